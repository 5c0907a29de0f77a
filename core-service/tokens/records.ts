/**
 * The rows of the token table, built one way per kind: every issuer (access token minter,
 * refresh token in grants' token pairs, authorization code) goes through these, so a row always
 * starts active, keyed by storageKey() of its signature and never by the signature itself.
 */
import { storageKey } from './opaque.js';
import type { AccessTokenRecord, AuthorizationCodeRecord, CodeSession, RefreshTokenRecord, TokenSession } from './store.js';

/** What a token row is about, whatever its kind. */
export interface TokenRowInput {
  /** The opaque token's signature or the JWT's `jti`, in the clear: the row keeps only storageKey() of it. */
  signature: string;
  /** The grant (request) id every token of one authorization shares. */
  requestId: string;
  clientId: string;
  /** '' for client_credentials tokens. */
  subject: string;
  scope: string[];
  audience: string[];
  requestedAt: Date;
  /** null: never expires (`ttl.refresh_token: -1`). */
  expiresAt: Date | null;
}

function row(input: TokenRowInput) {
  return {
    signature: storageKey(input.signature),
    request_id: input.requestId,
    client_id: input.clientId,
    subject: input.subject,
    scope: input.scope,
    audience: input.audience,
    requested_at: input.requestedAt,
    expires_at: input.expiresAt,
    active: true,
  };
}

/** The row of a freshly minted access token. */
export function accessTokenRecord(input: TokenRowInput, session: TokenSession): AccessTokenRecord {
  return { ...row(input), kind: 'access_token', session };
}

/**
 * The row of a freshly minted refresh token; `accessTokenSignature` is the storage key of the
 * access token issued with it, the only one its rotation deactivates within a grace period
 * (Hydra's access_token_signature).
 */
export function refreshTokenRecord(input: TokenRowInput & { accessTokenSignature: string }, session: TokenSession): RefreshTokenRecord {
  return { ...row(input), kind: 'refresh_token', session, access_token_signature: input.accessTokenSignature };
}

/** The row of a freshly minted authorization code: its session is what the code exchange must match. */
export function authorizationCodeRecord(input: TokenRowInput, session: CodeSession): AuthorizationCodeRecord {
  return { ...row(input), kind: 'authorization_code', session };
}
