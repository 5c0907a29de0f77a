import { splitScope } from '../oauth2/scope.js';
import { invalid, type Context } from './context.js';

const PROMPTS = ['none', 'login', 'consent', 'select_account'];

/** OIDC Core §3.1.2.1: known values only; `none` may not be combined with another. */
export function checkPrompt(ctx: Context): void {
  const prompt = [...new Set(splitScope(ctx.raw.get('prompt')))];
  const unknown = prompt.filter((p) => !PROMPTS.includes(p));
  if (unknown.length > 0) throw invalid(`Used unknown value '${unknown.join(' ')}' for prompt parameter`);
  if (prompt.includes('none') && prompt.length > 1) {
    throw invalid("Parameter 'prompt' was set to 'none', but contains other values as well which is not allowed.");
  }
  ctx.params.prompt = prompt;
}
