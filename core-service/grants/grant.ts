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
  /** The parameters this grant declared (`Grant.parameters`) that the request carries, and nothing else. */
  params: ReadonlyMap<string, string>;
  /** The whole form, for Hydra's token hook only (tokens/token-hooks.ts shows it the parameters fosite lets a hook see). */
  form: ReadonlyMap<string, string>;
}

export interface Grant {
  /** RFC 6749 `grant_type` value. */
  grantType: string;
  /**
   * Parameters this grant reads, beyond grant_type and client authentication: the token endpoint
   * refuses any of them sent twice and hands the handler these and no others
   * (grants/token-endpoint.ts), so the list is the grant's whole input, as node-oidc-provider's
   * `parameters` set is.
   */
  parameters: readonly string[];
  handle(ctx: GrantContext): Promise<TokenResponseBody>;
}
