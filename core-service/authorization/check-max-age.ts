import { invalid, type Context } from './context.js';

/** OIDC Core §3.1.2.1 max_age: a non-negative number of seconds. */
export function checkMaxAge(ctx: Context): void {
  const raw = ctx.raw.get('max_age');
  if (raw === undefined || raw === '') {
    ctx.params.max_age = null;
    return;
  }
  if (!/^\d{1,10}$/.test(raw)) throw invalid('The "max_age" parameter must be a non-negative whole number of seconds.');
  ctx.params.max_age = Number(raw);
}
