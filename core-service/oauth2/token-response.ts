/**
 * The token endpoint's successful response (RFC 6749 §5.1), as every grant returns it and the
 * token issuer builds it: shared vocabulary, so grants/ and tokens/ both build on it.
 */

export interface TokenResponseBody {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  /** A credential nonce for `POST /credentials` (credentials/token-response.ts). */
  c_nonce_draft_00?: string;
  /** Seconds the credential nonce stays valid. */
  c_nonce_expires_in_draft_00?: number;
}
