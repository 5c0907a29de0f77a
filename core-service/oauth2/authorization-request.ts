/**
 * The authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1) as the domains pass it on:
 * the parameters Tessera knows, the validated request the checks of authorization/ produce and
 * the flows of flows/ carry, and the error of a check that failed. authorization/ (the checks)
 * and flows/ (login and consent) both speak it, so it lives below both.
 */
import type { OAuthError } from '../shared/errors.js';
import type { RedirectTarget, ResponseMode } from './response.js';

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

/** The validated authorization request (the output of the authorization checks). */
export interface AuthorizationParams {
  client_id: string;
  /** The redirect URI the response goes to (verified against the client's registered list). */
  redirect_uri: string;
  /** Whether the request named redirect_uri itself (RFC 6749 §4.1.3: then the token request must repeat it). */
  redirect_uri_given: boolean;
  response_type: string[];
  response_mode: ResponseMode;
  state: string;
  nonce: string;
  scope: string[];
  audience: string[];
  code_challenge: string;
  code_challenge_method: string;
  prompt: string[];
  /** OIDC Core §3.1.2.1 max_age in seconds; null when absent. */
  max_age: number | null;
  ui_locales: string[];
  login_hint: string;
  id_token_hint: string;
  /** The verified claims of id_token_hint (Hydra's oidc_context.id_token_hint_claims), null without one. */
  id_token_hint_claims: Record<string, unknown> | null;
  acr_values: string[];
  display: string;
}

/** A failed check, with where its error may be sent (undefined: show it, never redirect). */
export class AuthorizationRequestError extends Error {
  constructor(
    readonly oauth: OAuthError,
    readonly redirect: RedirectTarget | undefined,
  ) {
    super(oauth.message);
    this.name = 'AuthorizationRequestError';
  }
}
