import { splitScope } from '../oauth2/scope.js';
import { type Context } from './context.js';

/** OIDC Core §3.1.2.1 hints carried on to the login app (Hydra's oidc_context). */
export function collectOidcHints(ctx: Context): void {
  ctx.params.ui_locales = splitScope(ctx.raw.get('ui_locales'));
  ctx.params.login_hint = ctx.raw.get('login_hint') ?? '';
  ctx.params.acr_values = splitScope(ctx.raw.get('acr_values'));
  ctx.params.display = ctx.raw.get('display') ?? '';
}
