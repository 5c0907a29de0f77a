import { type Context } from './context.js';

/** OIDC Core §3.1.2.1: an id_token_hint must be an ID token this server issued (expired is fine). */
export async function checkIdTokenHint(ctx: Context): Promise<void> {
  const hint = ctx.raw.get('id_token_hint') ?? '';
  ctx.params.id_token_hint = hint;
  ctx.params.id_token_hint_claims = hint === '' ? null : await ctx.deps.verifyIdTokenHint(hint);
}
