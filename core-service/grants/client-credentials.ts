/**
 * RFC 6749 §4.4 client credentials: the client asks for a token on its own behalf. Scopes must
 * be within the client's `scope`, audiences within its `audience`; no refresh token (§4.4.3).
 */
import { randomUUID } from 'node:crypto';
import { foreignAudiences } from '../oauth2/audience.js';
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { parseGoDuration } from '../shared/durations.js';
import { OAuthError } from '../shared/errors.js';
import type { AccessTokenMinter } from '../tokens/access-token.js';
import type { TokenStore } from '../tokens/store.js';
import type { TokenHooks } from '../tokens/token-hooks.js';
import type { Grant } from './grant.js';

export interface ClientCredentialsDeps {
  minter: AccessTokenMinter;
  tokens: Pick<TokenStore, 'insert'>;
  scopeStrategy: ScopeStrategy;
  /** `ttl.access_token` in ms. */
  accessTokenTtlMs: number;
  /** `oauth2.client_credentials.default_grant_allowed_scope`: no `scope` asked means every scope the client may request. */
  defaultGrantAllowedScope?: boolean;
  /** Hydra's token_hook, which runs for this grant too: it may set the token's `ext` claims. */
  hooks?: TokenHooks;
}

export function clientCredentialsGrant(deps: ClientCredentialsDeps): Grant {
  return {
    grantType: 'client_credentials',
    parameters: ['scope', 'audience'],
    async handle({ client, params, form }) {
      // RFC 6749 §4.4: only confidential clients may use this grant. invalid_grant (400) as
      // Hydra (fosite) answers, not invalid_client: the client did authenticate as registered.
      if (client.token_endpoint_auth_method === 'none') {
        throw new OAuthError('invalid_grant', { hint: 'The client is public and thus not allowed to use grant type client_credentials.' });
      }
      const requested = splitScope(params.get('scope'));
      // Hydra (for MITREid compatibility): with the option on, asking for nothing grants the client's whole scope.
      const scope = requested.length === 0 && deps.defaultGrantAllowedScope ? splitScope(client.scope) : requested;
      const missingScopes = uncoveredScopes(deps.scopeStrategy, splitScope(client.scope), scope);
      if (missingScopes.length > 0) {
        throw new OAuthError('invalid_scope', { hint: `The client is not allowed to request scope "${missingScopes.join(' ')}".` });
      }
      const audience = splitScope(params.get('audience'));
      const foreign = foreignAudiences(client.audience, audience);
      if (foreign.length > 0) {
        throw new OAuthError('invalid_request', {
          description: 'Requested audience is not allowed.',
          hint: `The client is not allowed to request audience "${foreign.join(' ')}".`,
        });
      }
      const claims = deps.hooks
        ? await deps.hooks.run(
            { grantType: 'client_credentials', client, form, requestedScope: requested, grantedScope: scope, grantedAudience: audience },
            { accessToken: {}, idToken: {} },
          )
        : undefined;
      const lifespan = client.lifespans.client_credentials_grant_access_token_lifespan;
      const minted = await deps.minter.mint({
        client,
        subject: '',
        scope,
        audience,
        requestId: randomUUID(),
        lifespanMs: (lifespan ? parseGoDuration(lifespan) : undefined) ?? deps.accessTokenTtlMs,
        ...(claims ? { ext: claims.accessToken } : {}),
      });
      await deps.tokens.insert([minted.record]);
      return { access_token: minted.token, token_type: 'bearer', expires_in: minted.expiresIn, scope: scope.join(' ') };
    },
  };
}
