/**
 * RFC 8628 §3.4-3.5 device access token request (fosite's rfc8628.DeviceCodeTokenEndpointHandler):
 * the device polls with its device code until the person finished the browser flow, then gets
 * the tokens once.
 *
 *   expired                   → expired_token
 *   polled sooner than interval → slow_down, and the interval grows by 5 s for good (§3.5)
 *   pending / rejected        → authorization_pending / access_denied
 *   accepted                  → tokens, and the code is used
 *   used                      → invalid_grant, and what its first use issued is revoked (fosite)
 */
import type { DeviceCodeStore } from '../device/store.js';
import { DEVICE_CODE_GRANT_TYPE } from '../oauth2/grant-session.js';
import { OAuthError } from '../shared/errors.js';
import type { GrantTokenIssuer } from '../tokens/grant-issuer.js';
import { storageKey, type OpaqueTokenCodec } from '../tokens/opaque.js';
import type { TokenStore } from '../tokens/store.js';
import { hookedSession, type TokenHooks } from '../tokens/token-hooks.js';
import type { Grant } from './grant.js';

/** RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
const SLOW_DOWN_STEP_SECONDS = 5;

export interface DeviceCodeGrantDeps {
  codec: OpaqueTokenCodec;
  devices: Pick<DeviceCodeStore, 'getByDeviceCode' | 'recordPoll' | 'redeem'>;
  tokens: Pick<TokenStore, 'revokeRequest'>;
  issuer: GrantTokenIssuer;
  hooks?: TokenHooks;
  now: () => Date;
}

const invalidGrant = (hint: string) => new OAuthError('invalid_grant', { hint });

export function deviceCodeGrant(deps: DeviceCodeGrantDeps): Grant {
  return {
    grantType: DEVICE_CODE_GRANT_TYPE,
    parameters: ['device_code'],
    async handle({ client, params, form }) {
      const code = params.get('device_code') ?? '';
      if (code === '') throw new OAuthError('invalid_request', { hint: 'The "device_code" parameter is missing.' });
      const signature = deps.codec.signatureOf(code, 'ory_dc');
      if (signature === undefined) throw invalidGrant('The device code is malformed or unknown.');
      const key = storageKey(signature);
      const record = await deps.devices.getByDeviceCode(key);
      if (!record) throw invalidGrant('The device code is unknown.');
      if (record.client_id !== client.client_id) {
        throw invalidGrant('The OAuth 2.0 Client ID from this request does not match the one from the authorize request.');
      }
      const now = deps.now();
      if (record.expires_at.getTime() <= now.getTime()) {
        throw new OAuthError('expired_token', { hint: `Device code expired at '${record.expires_at.toISOString()}'.` });
      }
      if (record.state === 'used') {
        // RFC 6749 §10.5 as fosite applies it to device codes: a second redemption revokes the first's tokens.
        await deps.tokens.revokeRequest(record.request_id);
        throw invalidGrant('The device code has already been used.');
      }

      const last = record.last_polled_at;
      const tooSoon = last !== null && now.getTime() - last.getTime() < record.polling_interval * 1000;
      const interval = tooSoon ? record.polling_interval + SLOW_DOWN_STEP_SECONDS : record.polling_interval;
      // A poll that lost the race to a concurrent one polled too soon as well.
      const recorded = await deps.devices.recordPoll(key, last, now, interval);
      if (tooSoon || !recorded) {
        throw new OAuthError('slow_down', { hint: `Ensure that you don't call the token endpoint sooner than the polling interval (now ${interval} seconds).` });
      }

      if (record.state === 'pending') throw new OAuthError('authorization_pending');
      if (record.state === 'rejected') throw new OAuthError('access_denied', { hint: 'The user rejected the device authorization request.' });
      if (record.session === null) throw new OAuthError('server_error', { debug: 'An accepted device code carries no grant session.' });

      const session = await hookedSession(deps.hooks, { grantType: DEVICE_CODE_GRANT_TYPE, client, form, session: record.session });
      const granted = session.granted_scope;
      const minted = await deps.issuer.mint({
        client,
        session,
        requestId: record.request_id,
        grantType: DEVICE_CODE_GRANT_TYPE,
        // fosite's canIssueRefreshToken, as for authorization codes: offline access and a client allowed to refresh.
        refresh: (granted.includes('offline_access') || granted.includes('offline')) && client.grant_types.includes('refresh_token'),
        idToken: granted.includes('openid'),
      });
      if (!(await deps.devices.redeem(key, minted.records))) {
        // A concurrent poll redeemed it between our read and now: this one is the second use.
        await deps.tokens.revokeRequest(record.request_id);
        throw invalidGrant('The device code has already been used.');
      }
      return minted.body;
    },
  };
}
