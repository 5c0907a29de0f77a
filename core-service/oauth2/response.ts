/**
 * Delivering an authorization response or error to the browser: a redirect with the fields in
 * the query or the fragment, or an auto-submitting form (OAuth 2.0 Form Post Response Mode);
 * or, when no redirect URI is verified, an error to show (or a redirect to `urls.error`).
 * authorization/ (the request's checks) decides where a response may go (RedirectTarget, a
 * verified redirect URI) and flows/ (login, consent, logout, device verification) answers the
 * browser this way, so it lives below both.
 */
import type { OAuthError } from '../shared/errors.js';
import { withParameters } from '../shared/uris.js';

/** RFC 6749 §4.1.2 / OAuth 2.0 Multiple Response Types §2. */
export type ResponseMode = 'query' | 'fragment' | 'form_post';

/** Where and how a response (or error) for a verified redirect URI is delivered. */
export interface RedirectTarget {
  uri: string;
  mode: ResponseMode;
  state: string;
}

/**
 * One complete `Set-Cookie` header value (RFC 6265 §4.1) for the gateway to send verbatim:
 * core's cookie policy (flows/cookies.ts) decided its name, value and every attribute.
 */
export type BrowserCookie = string;

/** A rejection (Hydra's rejectOAuth2Request), sent on to the client. */
export interface FlowError {
  error: string;
  error_description: string;
  error_hint: string;
  status_code: number;
  /** Shown only with `oauth2.expose_internal_errors` (fosite's error_debug). */
  error_debug?: string;
}

/** What the gateway does with the browser. Exactly one of redirect_to, form_post, error. */
export interface BrowserOutcome {
  redirect_to?: string;
  form_post?: { action: string; fields: Record<string, string> };
  error?: FlowError;
  cookies: BrowserCookie[];
}

/** RFC 6749 §4.1.2 / Multiple Response Types §2: the response fields, delivered per response_mode. */
export function respond(target: RedirectTarget, fields: Record<string, string>, cookies: BrowserCookie[] = []): BrowserOutcome {
  const all: Record<string, string> = { ...fields };
  // RFC 6749 §4.1.2: state is returned exactly as received.
  if (target.state !== '') all.state = target.state;
  if (target.mode === 'form_post') return { form_post: { action: target.uri, fields: all }, cookies };
  if (target.mode === 'fragment') {
    const url = new URL(target.uri);
    url.hash = new URLSearchParams(all).toString();
    return { redirect_to: url.toString(), cookies };
  }
  return { redirect_to: withParameters(new URL(target.uri), Object.entries(all)).toString(), cookies };
}

export function flowErrorOf(err: OAuthError): FlowError {
  return { error: err.code, error_description: err.description, error_hint: err.hint, status_code: err.status, ...(err.debug ? { error_debug: err.debug } : {}) };
}

/**
 * The parameters of an error response as fosite's current (non-legacy) format sends them
 * (RFC6749Error.ToValues): `error` and `error_description`, the hint folded into the description
 * and the debug detail too, but only with `oauth2.expose_internal_errors`; never `error_hint` or
 * `error_debug` of their own (those were the legacy format).
 */
export function errorFields(error: FlowError, exposeDebug: boolean): Record<string, string> {
  const parts = [error.error_description, error.error_hint, exposeDebug ? (error.error_debug ?? '') : ''];
  return { error: error.error, error_description: parts.filter((part) => part !== '').join(' ') };
}

/** RFC 6749 §4.1.2.1: the error goes to the verified redirect URI, with state. */
export function respondWithError(target: RedirectTarget, error: FlowError, cookies: BrowserCookie[] = [], exposeDebug = false): BrowserOutcome {
  return respond(target, errorFields(error, exposeDebug), cookies);
}

/**
 * RFC 6749 §4.1.2.1: with no verified redirect URI the error must not be redirected to the
 * client; it goes to `urls.error` when configured (Hydra), else it is shown.
 */
export function showError(error: FlowError, errorUrl: string, exposeDebug = false): BrowserOutcome {
  if (errorUrl !== '') {
    // Hydra's forwardError: the same fields as a redirect to the client.
    return { redirect_to: withParameters(new URL(errorUrl), Object.entries(errorFields(error, exposeDebug))).toString(), cookies: [] };
  }
  return { error, cookies: [] };
}
