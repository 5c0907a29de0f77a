/**
 * The authorization request parameters Tessera knows (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core
 * §3.1.2.1 and §5.5, Hydra's `audience`). Only these are carried into the request URL the
 * login and consent apps see and the browser returns to: an unknown parameter is dropped, so
 * what Tessera redirects to never grows with what a caller adds.
 */
export const AUTHORIZATION_PARAMETERS: ReadonlySet<string> = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'response_mode',
  'nonce',
  'display',
  'prompt',
  'max_age',
  'ui_locales',
  'claims_locales',
  'id_token_hint',
  'login_hint',
  'acr_values',
  'claims',
  'code_challenge',
  'code_challenge_method',
  'audience',
]);
