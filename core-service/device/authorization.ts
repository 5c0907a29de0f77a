/**
 * The device authorization endpoint (RFC 8628 §3.1-3.2, `POST /oauth2/device/auth`; fosite's
 * NewDeviceRequest and rfc8628.DeviceAuthHandler): the client authenticates, asks for scope
 * and audience, and gets a device code to poll with and a user code for the person.
 */
import type { ClientAuthenticator, PresentedCredentials } from '../clients/authenticate.js';
import { foreignAudiences } from '../oauth2/audience.js';
import { DEVICE_CODE_GRANT_TYPE } from '../oauth2/grant-session.js';
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';
import { randomId } from '../shared/random-id.js';
import { storageKey, type OpaqueTokenCodec } from '../tokens/opaque.js';
import type { DeviceCodeStore } from './store.js';
import { generateUserCode, type UserCodeHasher } from './user-code.js';

/** RFC 8628 §3.2 device authorization response. */
export interface DeviceAuthorizationResponse {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  /** Seconds until device code and user code expire. */
  expires_in: number;
  /** Seconds the device waits between polls. */
  interval: number;
}

export interface DeviceAuthorizationDeps {
  authenticator: ClientAuthenticator;
  issuer: string;
  tokenEndpointUrl: string;
  codec: OpaqueTokenCodec;
  userCodes: UserCodeHasher;
  store: DeviceCodeStore;
  scopeStrategy: ScopeStrategy;
  /** `ttl.device_user_code` in ms. */
  ttlMs: number;
  /** `oauth2.device_authorization.token_polling_interval` in ms. */
  pollingIntervalMs: number;
  /** Tessera's `/oauth2/device/verify` (fosite's GetDeviceVerificationURL: always the public URL). */
  verificationUri: string;
  now: () => Date;
}

// fosite's rfc8628.MaxAttempts: a user code that collides with a live one is drawn again.
const MAX_ATTEMPTS = 3;

export function createDeviceAuthorization(deps: DeviceAuthorizationDeps) {
  return {
    /** Runs one device authorization request; errors are RFC 6749 §5.2 errors (§3.2). */
    async authorize(credentials: PresentedCredentials, form: ReadonlyMap<string, string>): Promise<DeviceAuthorizationResponse> {
      if (form.size === 0) throw new OAuthError('invalid_request', { hint: 'The POST body can not be empty.' });
      const client = await deps.authenticator.authenticate(credentials, { tokenEndpointUrl: deps.tokenEndpointUrl, issuer: deps.issuer });
      // fosite: the form must name the client that authenticated (RFC 8628 §3.1 client_id is REQUIRED).
      if (client.client_id !== (form.get('client_id') ?? '')) throw new OAuthError('invalid_request', { hint: 'Provided client_id mismatch.' });
      if (!client.grant_types.includes(DEVICE_CODE_GRANT_TYPE)) {
        // fosite answers invalid_grant here (not unauthorized_client); clients written for Hydra see the same.
        throw new OAuthError('invalid_grant', { hint: `The requested OAuth 2.0 Client does not have the '${DEVICE_CODE_GRANT_TYPE}' grant.` });
      }
      const scope = splitScope(form.get('scope'));
      const [notAllowed] = uncoveredScopes(deps.scopeStrategy, splitScope(client.scope), scope);
      if (notAllowed !== undefined) throw new OAuthError('invalid_scope', { hint: `The OAuth 2.0 Client is not allowed to request scope '${notAllowed}'.` });
      const audience = splitScope(form.get('audience'));
      const foreign = foreignAudiences(client.audience, audience);
      if (foreign.length > 0) throw new OAuthError('invalid_request', { hint: `Requested audience "${foreign.join(' ')}" has not been whitelisted by the OAuth 2.0 Client.` });

      const now = deps.now();
      // fosite rounds the expiry to the second; expires_in is then whole seconds.
      const expiresAt = new Date(Math.round((now.getTime() + deps.ttlMs) / 1000) * 1000);
      const interval = Math.max(1, Math.round(deps.pollingIntervalMs / 1000));
      const { token: deviceCode, signature } = deps.codec.mint('ory_dc');
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const userCode = generateUserCode();
        const stored = await deps.store.insert({
          device_code_signature: storageKey(signature),
          user_code_signature: deps.userCodes.sign(userCode),
          request_id: randomId(),
          client_id: client.client_id,
          scope: [...new Set(scope)],
          audience: [...new Set(audience)],
          requested_at: now,
          expires_at: expiresAt,
          state: 'pending',
          polling_interval: interval,
          last_polled_at: null,
          session: null,
        });
        if (!stored) continue;
        const complete = new URL(deps.verificationUri);
        complete.searchParams.set('user_code', userCode);
        return {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: deps.verificationUri,
          verification_uri_complete: complete.toString(),
          expires_in: Math.round((expiresAt.getTime() - now.getTime()) / 1000),
          interval,
        };
      }
      throw new OAuthError('server_error', { hint: `Exceeded user-code generation max attempts ${MAX_ATTEMPTS}.` });
    },
  };
}

export type DeviceAuthorization = ReturnType<typeof createDeviceAuthorization>;
