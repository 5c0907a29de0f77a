/**
 * Persistence of issued tokens and codes. One row per token, keyed by a hash of its signature
 * (opaque) or of its `jti` (JWT): tokens are never stored in the clear. Every row carries the
 * grant's request id, so a whole family is revoked in one statement.
 */

export type TokenKind = 'access_token' | 'refresh_token' | 'authorization_code';

export interface TokenRecord {
  /** storageKey() of the opaque signature or of the JWT's jti. */
  signature: string;
  kind: TokenKind;
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
  /** Session data: `ext` claims, id-token claims, PKCE and redirect data for codes. */
  session: Record<string, unknown>;
  /** Refresh tokens: when the token was first exchanged (rotated out); null while unused. */
  used_at?: Date | null;
  /** Refresh tokens: reuses accepted within the rotation grace period. */
  reuse_count?: number;
}

/** The rotation grace period (DESIGN.md, Storage): reuses accepted after the first use. */
export interface RotationGrace {
  /** A rotated token is accepted again when it was first used at or after this time; undefined: no grace. */
  usedSince: Date | undefined;
  /** At most this many reuses; 0: no limit within the period. */
  maxReuse: number;
}

/**
 * Outcome of presenting a refresh token (RFC 6749 §6, RFC 9700 §4.14.2):
 * `rotated` first use, `grace` an accepted reuse, `lost` it was live when read but a concurrent
 * request rotated it first, `reused` a replay of a rotated or revoked token.
 */
export type RotationOutcome = 'rotated' | 'grace' | 'lost' | 'reused';

export interface TokenStore {
  insert(records: TokenRecord[]): Promise<void>;
  get(signature: string): Promise<TokenRecord | undefined>;
  /**
   * Deactivates every token of a grant; returns how many were active. Rotated refresh tokens of
   * the grant lose their grace period too, so nothing of a revoked grant is accepted again.
   */
  revokeRequest(requestId: string): Promise<number>;
  /** Deactivates every token issued to a client (and ends the grace of its rotated refresh tokens). */
  revokeClient(clientId: string): Promise<number>;
  /**
   * Exchanges refresh token `signature` of grant `requestId`, deciding races by conditional
   * updates with checked row counts: of concurrent first uses exactly one is `rotated`. A first
   * use or a grace reuse also deactivates the grant's access tokens issued so far (Hydra/fosite).
   * `wasLive`: the caller read the row as active and unused, so a lost update is a race, not a replay.
   */
  useRefreshToken(signature: string, requestId: string, now: Date, grace: RotationGrace, wasLive: boolean): Promise<RotationOutcome>;
  /**
   * Atomically deactivates one token if it is still active (a conditional update with a
   * checked row count): of two concurrent callers exactly one gets true.
   */
  deactivate(signature: string): Promise<boolean>;
}

export interface JtiStore {
  /** Records a `jti` until `expiresAt`; false when it is already recorded and not expired. */
  rememberJti(key: string, expiresAt: Date): Promise<boolean>;
}
