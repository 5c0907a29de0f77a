import { responseTypeValues, SUPPORTED_RESPONSE_TYPES } from '../oauth2/response-type.js';
import { splitScope } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';
import { clientOf, invalid, type Context } from './context.js';

/** RFC 6749 §3.1.1: a served response type the client registered, with the grants it implies. */
export function checkResponseType(ctx: Context): void {
  const client = clientOf(ctx);
  const raw = ctx.raw.get('response_type') ?? '';
  if (raw === '') throw new OAuthError('unsupported_response_type', { hint: "The request is missing the 'response_type' parameter." });
  const types = responseTypeValues(raw);
  const key = types.join(' ');
  if (!SUPPORTED_RESPONSE_TYPES.includes(key)) {
    throw new OAuthError('unsupported_response_type', { hint: `The response_type "${raw}" is not supported; use one of: ${SUPPORTED_RESPONSE_TYPES.join(', ')}.` });
  }
  if (!client.response_types.some((registered) => responseTypeValues(registered).join(' ') === key)) {
    throw new OAuthError('unsupported_response_type', { hint: `The client is not allowed to request response_type '${raw}'.` });
  }
  // fosite's authorize handlers (handler/openid/flow_hybrid.go, handler/oauth2/flow_authorize_implicit.go): invalid_grant.
  if (types.includes('code') && !client.grant_types.includes('authorization_code')) {
    throw new OAuthError('invalid_grant', { hint: "The OAuth 2.0 Client is not allowed to use authorization grant 'authorization_code'." });
  }
  // fosite: a token from the authorization endpoint is the implicit grant, and so is an ID
  // token without a code; `code id_token` is the code grant alone (its hybrid handler).
  const implicit = types.includes('token') || (types.includes('id_token') && !types.includes('code'));
  if (implicit && !client.grant_types.includes('implicit')) {
    throw new OAuthError('invalid_grant', { hint: "The OAuth 2.0 Client is not allowed to use the authorization grant 'implicit'." });
  }
  if (types.includes('id_token')) {
    // OIDC Core §3.2.2.1 / §3.3.2.11: an ID token from the authorization endpoint needs openid and a nonce.
    if (!splitScope(ctx.raw.get('scope')).includes('openid')) throw invalid('The response_type "id_token" requires the "openid" scope.');
    if ((ctx.raw.get('nonce') ?? '') === '') throw invalid("Parameter 'nonce' must be set when using the OpenID Connect Implicit Flow.");
  }
  // OIDC Core §3.2.2.1 and §3.3.2.1 (fosite's implicit and hybrid handlers): redirect_uri is
  // REQUIRED, even when the client registered only one.
  if ((types.includes('id_token') || (types.includes('code') && types.length > 1)) && (ctx.raw.get('redirect_uri') ?? '') === '') {
    throw invalid('The "redirect_uri" parameter is required when using OpenID Connect 1.0.');
  }
  ctx.params.response_type = types;
}
