import { splitScope, uncoveredScopes } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';
import { clientOf, type Context } from './context.js';

/** RFC 6749 §3.3: every requested scope must be allowed for the client. */
export function checkScope(ctx: Context): void {
  const client = clientOf(ctx);
  const scope = splitScope(ctx.raw.get('scope'));
  const missing = uncoveredScopes(ctx.deps.scopeStrategy, splitScope(client.scope), scope);
  if (missing.length > 0) {
    throw new OAuthError('invalid_scope', { hint: `The OAuth 2.0 Client is not allowed to request scope '${missing[0] ?? ''}'.` });
  }
  ctx.params.scope = [...new Set(scope)];
}
