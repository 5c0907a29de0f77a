import type { ResponseMode } from '../oauth2/response.js';
import { defaultResponseMode, RESPONSE_MODES } from '../oauth2/response-type.js';
import { OAuthError } from '../shared/errors.js';
import { invalid, type Context } from './context.js';

/** OAuth 2.0 Multiple Response Types §2 and Form Post Response Mode. */
export function checkResponseMode(ctx: Context): void {
  const raw = ctx.raw.get('response_mode');
  if (raw !== undefined && !(RESPONSE_MODES as readonly string[]).includes(raw)) {
    throw new OAuthError('unsupported_response_mode', { hint: `Request with unsupported response_mode '${raw}'.` });
  }
  const mode = (raw as ResponseMode | undefined) ?? defaultResponseMode(ctx.raw.get('response_type') ?? '');
  // OAuth 2.0 Multiple Response Types §2: tokens must not travel in the query (logs, Referer).
  const types = ctx.params.response_type ?? [];
  if (mode === 'query' && (types.includes('token') || types.includes('id_token'))) {
    throw invalid('The response_mode "query" must not be used with a response_type that returns tokens.');
  }
  ctx.params.response_mode = mode;
}
