/**
 * The contract every grant type implements (node-oidc-provider's lib/actions/grants/*):
 * the grant_type string, the parameters it reads, and one handler. The token endpoint loops
 * over the registered grants; adding a grant is writing a module here and adding it to the
 * `grants` list that core-service/registry.ts passes to the token endpoint.
 */
import type { StoredClient } from '../clients/client.js';
import type { TokenResponseBody } from '../oauth2/token-response.js';

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
