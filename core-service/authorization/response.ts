/**
 * Delivering an authorization response or error to the browser: a redirect with the fields in
 * the query or the fragment, or an auto-submitting form (OAuth 2.0 Form Post Response Mode);
 * or, when no redirect URI is verified, an error to show (or a redirect to `urls.error`).
 */
import type { BrowserCookie } from '../flows/cookies.js';
import type { FlowError } from '../flows/flow.js';
import type { OAuthError } from '../shared/errors.js';
import type { RedirectTarget } from './checks.js';

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
  const url = new URL(target.uri);
  if (target.mode === 'fragment') {
    url.hash = new URLSearchParams(all).toString();
  } else {
    for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  }
  return { redirect_to: url.toString(), cookies };
}

export function flowErrorOf(err: OAuthError): FlowError {
  return { error: err.code, error_description: err.description, error_hint: err.hint, status_code: err.status };
}

/** RFC 6749 §4.1.2.1: the error goes to the verified redirect URI, with state. */
export function respondWithError(target: RedirectTarget, error: FlowError, cookies: BrowserCookie[] = []): BrowserOutcome {
  const fields: Record<string, string> = { error: error.error, error_description: error.error_description };
  if (error.error_hint) fields.error_hint = error.error_hint;
  return respond(target, fields, cookies);
}

/**
 * RFC 6749 §4.1.2.1: with no verified redirect URI the error must not be redirected to the
 * client; it goes to `urls.error` when configured (Hydra), else it is shown.
 */
export function showError(error: FlowError, errorUrl: string): BrowserOutcome {
  if (errorUrl !== '') {
    const url = new URL(errorUrl);
    url.searchParams.set('error', error.error);
    url.searchParams.set('error_description', error.error_description);
    if (error.error_hint) url.searchParams.set('error_hint', error.error_hint);
    return { redirect_to: url.toString(), cookies: [] };
  }
  return { error, cookies: [] };
}
