/**
 * Hydra's per-client CORS (x/oauth2cors): a cross-origin request to the token, revocation,
 * UserInfo, discovery or JWKS endpoint may be read by its origin when the OAuth 2.0 client the
 * request speaks for lists that origin in `allowed_cors_origins`. The gateway asks here only
 * when the listener's own `serve.public.cors.allowed_origins` did not already allow the origin.
 */
import type { Client } from '../clients/client.js';
import { parseBasic } from '../clients/authenticate.js';
import { bearerToken } from '../oidc/userinfo.js';
import { clientAllowsOrigin } from '../shared/cors-origins.js';
import { isLive, type TokenLookup } from '../tokens/lookup.js';

export interface CorsOriginDeps {
  getClient(clientId: string): Promise<Client | undefined>;
  lookup: TokenLookup;
  now: () => Date;
}

/** What the request carried that may name its client, as the gateway received it. */
export interface CorsRequest {
  origin: string;
  authorizationHeader: string;
  /** `client_id` of the form body. */
  clientId: string;
  /** `access_token` of the form body (RFC 6750 §2.2). */
  accessToken: string;
}

/**
 * Builds the check.
 *
 * @example
 * const allowed = await createClientOriginCheck(deps).allowed({ origin: 'https://spa.example', authorizationHeader: '', clientId: 'spa', accessToken: '' });
 */
export function createClientOriginCheck(deps: CorsOriginDeps) {
  /** Hydra's order: the form's client_id, the Basic user name, then the bearer token's client. */
  async function clientIdOf(request: CorsRequest): Promise<string | undefined> {
    if (request.clientId !== '') return request.clientId;
    const basic = request.authorizationHeader === '' ? undefined : parseBasic(request.authorizationHeader);
    if (basic) return basic.id;
    let token: string;
    try {
      token = bearerToken({ authorizationHeader: request.authorizationHeader, accessToken: request.accessToken });
    } catch {
      return undefined;
    }
    // Hydra introspects the token as an access token: only a live one names a client.
    const found = await deps.lookup.find(token);
    return found && found.record.kind === 'access_token' && isLive(found.record, deps.now()) ? found.record.client_id : undefined;
  }

  return {
    /** True when the client the request speaks for lists its origin. */
    async allowed(request: CorsRequest): Promise<boolean> {
      if (request.origin === '') return false;
      const clientId = await clientIdOf(request);
      if (clientId === undefined) return false;
      const client = await deps.getClient(clientId);
      return client !== undefined && clientAllowsOrigin(client.allowed_cors_origins, request.origin);
    },
  };
}

export type ClientOriginCheck = ReturnType<typeof createClientOriginCheck>;
