/**
 * A refresh mints tokens for the client as it is registered now, not as it was when the grant
 * was made (fosite's RefreshTokenGrantHandler): an administrator who takes a scope or an
 * audience away from a client ends refreshes that would carry them. (That the client still
 * exists and still has the refresh_token grant, the token endpoint checks for every grant.)
 * The refresh token is left as it was, so nothing is rotated by a refused request.
 */
import type { StoredClient } from '../clients/client.js';
import { foreignAudiences } from '../oauth2/audience.js';
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';

/** Throws unless `client` may still request every scope and audience of the grant. */
export function checkRefreshAllowed(client: StoredClient, granted: { scope: readonly string[]; audience: readonly string[] }, strategy: ScopeStrategy): void {
  const scopes = uncoveredScopes(strategy, splitScope(client.scope), granted.scope);
  if (scopes.length > 0) {
    throw new OAuthError('invalid_scope', { hint: `The OAuth 2.0 Client is no longer allowed to request scope "${scopes.join(' ')}", which this grant holds.` });
  }
  const audiences = foreignAudiences(client.audience, granted.audience);
  if (audiences.length > 0) {
    throw new OAuthError('invalid_request', { hint: `The OAuth 2.0 Client is no longer allowed to request audience "${audiences.join(' ')}", which this grant holds.` });
  }
}
