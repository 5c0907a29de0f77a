/**
 * What an authorization grant remembers between the consent and later token requests: who
 * the subject is, what was granted, and the claims the consent app attached. It is stored on
 * the authorization code row and on every access and refresh token row (CodeSession.grant,
 * TokenSession.grant in tokens/store.ts), so the code exchange and each refresh can mint the same
 * tokens without reading the flow again. The consent (flows/), the device code (device/), the
 * grants and the token issuer
 * (tokens/grant-issuer.ts) all speak it, so it lives below them.
 */

/** RFC 8628 §3.4: the device access token request's grant_type. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export interface GrantSession {
  subject: string;
  /** The subject as the client sees it (pairwise identifier when the client asks for it). */
  obfuscated_subject: string;
  granted_scope: string[];
  granted_audience: string[];
  /** Consent `session.access_token`: claims put under `ext` of access tokens and introspection. */
  access_token_claims: Record<string, unknown>;
  /** Consent `session.id_token`: extra claims of ID tokens. */
  id_token_claims: Record<string, unknown>;
  /** Seconds since the epoch at which the subject authenticated (OIDC Core §2 auth_time). */
  auth_time: number;
  acr: string;
  amr: string[];
  /** The authorization request's nonce ('' when none). */
  nonce: string;
  /** The login session id (`sid` claim; front/back-channel logout). */
  sid: string;
  /** The consent request's challenge id, so consent sessions can revoke their grants. */
  consent_challenge_id: string;
}
