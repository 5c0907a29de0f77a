/**
 * What every check of the authorization request (checks.ts) works on: the raw parameters, the
 * dependencies, and the validated request filled in step by step.
 */
import type { StoredClient } from '../clients/client.js';
import type { UriPolicyOptions } from '../clients/uri-policy.js';
import type { AuthorizationParams } from '../oauth2/authorization-request.js';
import type { RedirectTarget } from '../oauth2/response.js';
import type { ScopeStrategy } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';

export interface CheckDeps {
  getClient(clientId: string): Promise<StoredClient | undefined>;
  scopeStrategy: ScopeStrategy;
  pkce: { enforced: boolean; enforcedForPublicClients: boolean };
  /** The rules registered URIs follow, applied again at use (clients/uri-policy.ts). */
  uriPolicy: UriPolicyOptions;
  /** Verifies an id_token_hint and returns its claims; throws an OAuthError when it is not ours. */
  verifyIdTokenHint(token: string): Promise<Record<string, unknown>>;
}

export interface Context {
  readonly raw: ReadonlyMap<string, string>;
  readonly deps: CheckDeps;
  client?: StoredClient;
  redirect?: RedirectTarget;
  params: Partial<AuthorizationParams>;
}

/** One named step of the pipeline: reads `ctx.raw`, fills `ctx.params`, throws an OAuthError to refuse. */
export type Check = (ctx: Context) => void | Promise<void>;

export const invalid = (hint: string) => new OAuthError('invalid_request', { hint });

/** The client the `client` check found (every later check runs after it). */
export function clientOf(ctx: Context): StoredClient {
  if (!ctx.client) throw new OAuthError('invalid_client', { hint: 'The client is unknown.' });
  return ctx.client;
}
