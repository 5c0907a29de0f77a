import { redirectUriProblem } from '../clients/uri-policy.js';
import type { ResponseMode } from '../oauth2/response.js';
import { defaultResponseMode, RESPONSE_MODES } from '../oauth2/response-type.js';
import { clientOf, invalid, type Context } from './context.js';
import { matchRedirectUri } from './redirect-uri.js';

/** How many verdicts of redirectUriProblem are kept per policy; then the memory starts over. */
const REMEMBERED_VERDICTS = 1_024;

/**
 * redirectUriProblem is a pure function of the URI, the client's kind and the policy; a client's
 * few registered URIs come back on every authorization, and parsing them again showed in the
 * full-login profile (issue 10).
 */
const verdicts = new WeakMap<object, Map<string, string | undefined>>();

function problemOf(uri: string, isPublic: boolean, policy: Parameters<typeof redirectUriProblem>[2]): string | undefined {
  let known = verdicts.get(policy);
  if (known === undefined) verdicts.set(policy, (known = new Map()));
  const key = `${isPublic ? 'public' : 'confidential'} ${uri}`;
  if (known.has(key)) return known.get(key);
  const problem = redirectUriProblem(uri, { public: isPublic }, policy);
  if (known.size >= REMEMBERED_VERDICTS) known.clear();
  known.set(key, problem);
  return problem;
}

/**
 * RFC 6749 §3.1.2.3 and RFC 9700 §4.1.1: exact string match against the registered URIs (any
 * port for a loopback IP, RFC 8252 §7.3); with exactly one registered and none given, that one.
 * The URI must still satisfy the registration rules: a client stored before they existed may
 * hold a `javascript:` URI, which the form_post page would run on our origin. Only after this
 * step may anything be redirected.
 */
export function checkRedirectUri(ctx: Context): void {
  const client = clientOf(ctx);
  const given = ctx.raw.get('redirect_uri');
  let uri: string;
  if (given === undefined || given === '') {
    const [only, ...rest] = client.redirect_uris;
    if (only === undefined || rest.length > 0) {
      throw invalid('The "redirect_uri" parameter is required because the client registered no or several redirect URIs.');
    }
    uri = only;
  } else {
    const matched = matchRedirectUri(given, client.redirect_uris);
    if (matched === undefined) throw invalid("The 'redirect_uri' parameter does not match any of the OAuth 2.0 Client's pre-registered redirect urls.");
    uri = matched;
  }
  const problem = problemOf(uri, client.token_endpoint_auth_method === 'none', ctx.deps.uriPolicy);
  if (problem !== undefined) throw invalid(`The OAuth 2.0 Client's registered redirect URI "${uri}" ${problem}, so it is not used.`);
  ctx.params.redirect_uri = uri;
  ctx.params.redirect_uri_given = given !== undefined && given !== '';
  const requestedMode = ctx.raw.get('response_mode') as ResponseMode | undefined;
  const fallbackMode = defaultResponseMode(ctx.raw.get('response_type') ?? '');
  // Errors of token-bearing requests never go to the query, whatever response_mode says.
  const usable = requestedMode !== undefined && RESPONSE_MODES.includes(requestedMode) && !(requestedMode === 'query' && fallbackMode === 'fragment');
  ctx.redirect = { uri, mode: usable ? requestedMode : fallbackMode, state: ctx.raw.get('state') ?? '' };
}
