import { foreignAudiences } from '../oauth2/audience.js';
import { splitScope } from '../oauth2/scope.js';
import { clientOf, invalid, type Context } from './context.js';

/** Hydra's `audience` parameter: each value must be in the client's registered audience. */
export function checkAudience(ctx: Context): void {
  const client = clientOf(ctx);
  const audience = splitScope(ctx.raw.get('audience'));
  const foreign = foreignAudiences(client.audience, audience);
  if (foreign.length > 0) {
    throw invalid(`Requested audience "${foreign.join(' ')}" has not been whitelisted by the OAuth 2.0 Client.`);
  }
  ctx.params.audience = [...new Set(audience)];
}
