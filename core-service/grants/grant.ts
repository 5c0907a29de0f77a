/**
 * The contract every grant type implements (node-oidc-provider's lib/actions/grants/*):
 * the grant_type string, the parameters it reads, and one handler. The token endpoint loops
 * over the registered grants; adding a grant is adding a module to grants/index.ts.
 */
import type { StoredClient } from '../clients/client.js';

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

export interface GrantContext {
  /** The authenticated client. */
  client: StoredClient;
  /** The request's form parameters. */
  params: ReadonlyMap<string, string>;
}

export interface Grant {
  /** RFC 6749 `grant_type` value. */
  grantType: string;
  /** Parameters this grant reads, beyond grant_type and client authentication. */
  parameters: readonly string[];
  handle(ctx: GrantContext): Promise<TokenResponseBody>;
}
