/**
 * Persistence of issued tokens and codes. One row per token, keyed by a hash of its signature
 * (opaque) or of its `jti` (JWT): tokens are never stored in the clear. Every row carries the
 * grant's request id, so a whole family is revoked in one statement.
 */
import type { GrantSession } from '../oauth2/grant-session.js';

/** The columns every token row has, whatever its kind. */
interface TokenRow {
  /** storageKey() of the opaque signature or of the JWT's jti. */
  signature: string;
  /** The grant (request) id shared by every token one authorization produced. */
  request_id: string;
  client_id: string;
  /** '' for client_credentials tokens (the client acts on its own behalf). */
  subject: string;
  scope: string[];
  audience: string[];
  requested_at: Date;
  /** null: never expires (`ttl.refresh_token: -1`). */
  expires_at: Date | null;
  active: boolean;
  /** Refresh tokens: when the token was first exchanged (rotated out); null while unused. */
  used_at?: Date | null;
  /** Refresh tokens: reuses accepted within the rotation grace period. */
  reuse_count?: number;
  /**
   * Refresh tokens: the storage key of the access token issued with this one, the only access
   * token its rotation deactivates within a grace period (Hydra's access_token_signature);
   * null on rows written before it was recorded.
   */
  access_token_signature?: string | null;
}

/** What an access or refresh token row keeps besides its columns. */
export interface TokenSession {
  /**
   * The grant the token continues (tokens/grant-issuer.ts): the refresh grant mints the next pair
   * from it, userinfo reads the subject and the consented ID token claims. Absent on tokens no
   * consent stands behind (client_credentials, jwt-bearer).
   */
  grant?: GrantSession;
  /** Claims under `ext` of the token and of its introspection. */
  ext?: Record<string, unknown>;
}

/** What an authorization code row keeps: the grant, and what the code exchange must match (RFC 6749 §4.1.3, RFC 7636 §4.6). */
export interface CodeSession {
  grant: GrantSession;
  /** The redirect_uri the authorization request named, '' when it named none. */
  redirect_uri: string;
  code_challenge: string;
  code_challenge_method: string;
}

export type AccessTokenRecord = TokenRow & { kind: 'access_token'; session: TokenSession };
export type RefreshTokenRecord = TokenRow & { kind: 'refresh_token'; session: TokenSession };
export type AuthorizationCodeRecord = TokenRow & { kind: 'authorization_code'; session: CodeSession };

/** One row of the token table, by kind: each kind's session has its own shape. */
export type TokenRecord = AccessTokenRecord | RefreshTokenRecord | AuthorizationCodeRecord;

export type TokenKind = TokenRecord['kind'];

/** The rotation grace period (DESIGN.md, Storage), as Hydra's `rotation_grace_period` and `rotation_grace_reuse_count`. */
export interface RotationGrace {
  /** A rotated token is accepted again when it was first used at or after this time; undefined: no grace. */
  usedSince: Date | undefined;
  /** At most this many exchanges of one refresh token in all, the first included (Hydra's count); 0: no limit within the period. */
  maxUses: number;
}

/** One refresh of a refresh token: the presented token and the rows of the pair minted for it. */
export interface RefreshExchange {
  /** storageKey of the presented refresh token. */
  signature: string;
  requestId: string;
  now: Date;
  grace: RotationGrace;
  /** The caller read the row as active and unused, so a lost update is a race, not a replay. */
  wasLive: boolean;
  /** The presented token's `access_token_signature`. */
  pairedAccessToken: string | null;
  /** The new access and refresh token rows, stored only if the exchange succeeds. */
  issued: TokenRecord[];
}

/**
 * Outcome of presenting a refresh token (RFC 6749 §6, RFC 9700 §4.14.2):
 * `exchanged` its first use or a reuse the grace period accepts (the new pair is stored),
 * `lost` it was live when read but a concurrent request rotated it first, `reused` a replay of
 * a rotated or revoked token.
 */
export type RotationOutcome = 'exchanged' | 'lost' | 'reused';

export interface TokenStore {
  insert(records: TokenRecord[]): Promise<void>;
  /** The row of a token; `active` is false when its grant has been revoked (revokeRequest). */
  get(signature: string): Promise<TokenRecord | undefined>;
  /**
   * Revokes a grant for good: records the grant as revoked, so every token of it, including
   * one stored after this call by a request that raced it, reads as inactive (get()); then
   * deactivates its rows. Returns how many rows were active.
   */
  revokeRequest(requestId: string): Promise<number>;
  /** Deactivates every token issued to a client (and ends the grace of its rotated refresh tokens). */
  revokeClient(clientId: string): Promise<number>;
  /**
   * Exchanges a refresh token in one transaction: the rotation (a conditional update with a
   * checked row count: of concurrent first uses exactly one is `exchanged`), the deactivation of
   * the access tokens it replaces, and the insert of `issued`; a failure leaves the token usable.
   * Without a grace period every access token of the grant is deactivated (Hydra's strict
   * rotation); within one only the presented token's own, so concurrent exchanges keep theirs.
   * A grant already revoked yields `reused` and stores nothing.
   */
  exchangeRefreshToken(exchange: RefreshExchange): Promise<RotationOutcome>;
  /**
   * Redeems authorization code `signature` of grant `requestId`: deactivates it if still active
   * (a conditional update: of concurrent redemptions exactly one gets true) and stores `issued`.
   * False when the code was used or its grant revoked; `issued` is then not kept (rows of it
   * may exist for a moment, unknown to anyone, and the caller revokes the grant). A failure
   * leaves the code usable.
   */
  redeemCode(signature: string, requestId: string, issued: TokenRecord[]): Promise<boolean>;
}

export interface JtiStore {
  /** Records a `jti` until `expiresAt`; false when it is already recorded and not expired. */
  rememberJti(key: string, expiresAt: Date): Promise<boolean>;
}
