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
}

export interface TokenStore {
  insert(records: TokenRecord[]): Promise<void>;
  get(signature: string): Promise<TokenRecord | undefined>;
  /** Deactivates every token of a grant; returns how many were active. */
  revokeRequest(requestId: string): Promise<number>;
  /** Deactivates every token issued to a client. */
  revokeClient(clientId: string): Promise<number>;
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
