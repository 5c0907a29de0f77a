/**
 * OpenID Connect Back-Channel Logout 1.0 §2.4 Logout Tokens: signed with the ID token key set
 * (`hydra.openid.id-token`, so relying parties verify them with the keys they already use for
 * ID tokens), explicitly typed `logout+jwt` (§2.4, RFC 8725 §3.11) so one can never be accepted
 * as an ID token, and §2.6 delivery: an HTTP POST of `logout_token=` to the client's
 * `backchannel_logout_uri`, with undici.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWK, type JWTPayload } from 'jose';
import { importedKey } from '../keys/imported-key.js';
import { request } from 'undici';
import type { OutboundHttp } from '../clients/outbound-http.js';
import type { Logger } from '../shared/logger.js';

/** §2.4: the `events` member that makes a JWT a Logout Token. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** §2.4: the JOSE `typ` of Logout Tokens. */
export const LOGOUT_TOKEN_TYPE = 'logout+jwt';

/** A short lifetime: the token is delivered right away and §2.6 says RPs should reject stale ones. */
const LOGOUT_TOKEN_TTL_SECONDS = 120;

export interface LogoutTokenInput {
  issuer: string;
  clientId: string;
  /** The subject as this client sees it (pairwise when configured); omitted when ''. */
  subject: string;
  /** The login session id, as the `sid` of the ID tokens this client received. */
  sid: string;
  /** NumericDate (seconds). */
  iat: number;
  jti?: string;
}

/** §2.4 claims: iss, aud, iat, exp, jti, events, sub and/or sid; never a nonce (§2.4 forbids it). */
export function logoutTokenClaims(input: LogoutTokenInput): JWTPayload {
  const claims: JWTPayload = {
    iss: input.issuer,
    aud: [input.clientId],
    iat: input.iat,
    exp: input.iat + LOGOUT_TOKEN_TTL_SECONDS,
    jti: input.jti ?? randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  if (input.subject !== '') claims.sub = input.subject;
  if (input.sid !== '') claims.sid = input.sid;
  return claims;
}

/**
 * Signs a Logout Token with `privateJwk` (carrying `alg` and `kid`).
 *
 * @example
 * const token = await signLogoutToken(await keys.signingKey(ID_TOKEN_KEY_SET), { issuer, clientId: 'app', subject: 'alice', sid, iat });
 */
export async function signLogoutToken(privateJwk: JWK, input: LogoutTokenInput): Promise<string> {
  if (privateJwk.alg === undefined || privateJwk.kid === undefined) {
    throw new Error('signLogoutToken: the signing JWK must carry "alg" and "kid" so relying parties can select the key');
  }
  return new SignJWT(logoutTokenClaims(input))
    .setProtectedHeader({ alg: privateJwk.alg, kid: privateJwk.kid, typ: LOGOUT_TOKEN_TYPE })
    .sign(await importedKey(privateJwk));
}

/** One Logout Token for one client's back-channel logout URI. */
export interface BackChannelDelivery {
  clientId: string;
  uri: string;
  logoutToken: string;
}

/**
 * Returns a function that POSTs Logout Tokens (§2.5) and never throws: a relying party that is
 * down, slow or answers other than 2xx is logged at warn and the logout goes on (Hydra sends
 * them in the background too; the browser is never held up by an RP).
 */
export function createBackChannelSender(deps: { logger: Logger; timeoutMs: number; http?: OutboundHttp }): (delivery: BackChannelDelivery) => Promise<void> {
  return async ({ clientId, uri, logoutToken }) => {
    try {
      const res = await request(uri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-store' },
        body: new URLSearchParams({ logout_token: logoutToken }).toString(),
        headersTimeout: deps.timeoutMs,
        bodyTimeout: deps.timeoutMs,
        signal: AbortSignal.timeout(deps.timeoutMs),
        // Hydra's clients.http rules apply to every outgoing call made for a client.
        ...(deps.http ? { dispatcher: deps.http.dispatcherFor(uri) } : {}),
      });
      await res.body.dump();
      // §2.8: the RP answers 200 on success (some frameworks substitute 204).
      if (res.statusCode < 200 || res.statusCode > 299) {
        deps.logger.warn({ client_id: clientId, backchannel_logout_uri: uri, status: res.statusCode }, 'back-channel logout was not acknowledged');
        return;
      }
      deps.logger.debug({ client_id: clientId, backchannel_logout_uri: uri }, 'back-channel logout delivered');
    } catch (err) {
      deps.logger.warn({ client_id: clientId, backchannel_logout_uri: uri, err }, 'back-channel logout failed');
    }
  };
}
