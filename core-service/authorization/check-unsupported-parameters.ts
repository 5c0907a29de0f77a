import { OAuthError } from '../shared/errors.js';
import { type Context } from './context.js';

/** Request objects (OIDC Core §6) and dynamic registration parameters are not supported. */
export function checkUnsupportedParameters(ctx: Context): void {
  if (ctx.raw.has('request')) throw new OAuthError('request_not_supported', { hint: 'The "request" parameter is not supported.' });
  if (ctx.raw.has('request_uri')) throw new OAuthError('request_uri_not_supported', { hint: 'The "request_uri" parameter is not supported.' });
  if (ctx.raw.has('registration')) throw new OAuthError('registration_not_supported', { hint: 'The "registration" parameter is not supported.' });
}
