/**
 * The authorization request checks (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2.1) as a pipeline
 * of small named steps listed in one table (node-oidc-provider's
 * lib/actions/authorization/index.js). Each step reads the raw parameters and fills in the
 * validated request. Until `redirect_uri` has run, an error is shown to the user; after it, the
 * redirect URI is verified for this client and errors go back to the client (RFC 6749 §4.1.2.1).
 */
import type { StoredClient } from '../clients/client.js';
import { redirectUriProblem, type UriPolicyOptions } from '../clients/uri-policy.js';
import type { AuthorizationParams } from '../flows/flow.js';
import { foreignAudiences } from '../oauth2/audience.js';
import { isPkceValue } from '../oauth2/pkce.js';
import type { RedirectTarget, ResponseMode } from '../oauth2/response.js';
import { defaultResponseMode, responseTypeValues, SUPPORTED_RESPONSE_TYPES } from '../oauth2/response-type.js';
import { splitScope, uncoveredScopes, type ScopeStrategy } from '../oauth2/scope.js';
import { OAuthError } from '../shared/errors.js';
import { matchRedirectUri } from './redirect-uri.js';

export interface CheckDeps {
  getClient(clientId: string): Promise<StoredClient | undefined>;
  scopeStrategy: ScopeStrategy;
  pkce: { enforced: boolean; enforcedForPublicClients: boolean };
  /** The rules registered URIs follow, applied again at use (clients/uri-policy.ts). */
  uriPolicy: UriPolicyOptions;
  /** Verifies an id_token_hint and returns its claims; throws an OAuthError when it is not ours. */
  verifyIdTokenHint(token: string): Promise<Record<string, unknown>>;
}

interface Context {
  readonly raw: ReadonlyMap<string, string>;
  readonly deps: CheckDeps;
  client?: StoredClient;
  redirect?: RedirectTarget;
  params: Partial<AuthorizationParams>;
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

type Check = (ctx: Context) => void | Promise<void>;

const invalid = (hint: string) => new OAuthError('invalid_request', { hint });

function clientOf(ctx: Context): StoredClient {
  if (!ctx.client) throw new OAuthError('invalid_client', { hint: 'The client is unknown.' });
  return ctx.client;
}

const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post'];
const PROMPTS = ['none', 'login', 'consent', 'select_account'];
// Hydra's minimum for state and nonce: shorter values do not carry enough entropy to stop CSRF/replay.
const MIN_ENTROPY_LENGTH = 8;

/** fosite looks the client up by whatever client_id says, so a missing one is an unknown client too. */
const UNKNOWN_CLIENT = 'The requested OAuth 2.0 Client does not exist.';

function checkClient(ctx: Context): Promise<void> {
  const clientId = ctx.raw.get('client_id') ?? '';
  if (clientId === '') return Promise.reject(new OAuthError('invalid_client', { hint: UNKNOWN_CLIENT, debug: 'The "client_id" parameter is missing.' }));
  return ctx.deps.getClient(clientId).then((client) => {
    if (!client) {
      throw new OAuthError('invalid_client', { hint: UNKNOWN_CLIENT });
    }
    ctx.client = client;
    ctx.params.client_id = clientId;
  });
}

/**
 * RFC 6749 §3.1.2.3 and RFC 9700 §4.1.1: exact string match against the registered URIs (any
 * port for a loopback IP, RFC 8252 §7.3); with exactly one registered and none given, that one.
 * The URI must still satisfy the registration rules: a client stored before they existed may
 * hold a `javascript:` URI, which the form_post page would run on our origin. Only after this
 * step may anything be redirected.
 */
function checkRedirectUri(ctx: Context): void {
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
  const problem = redirectUriProblem(uri, { public: client.token_endpoint_auth_method === 'none' }, ctx.deps.uriPolicy);
  if (problem !== undefined) throw invalid(`The OAuth 2.0 Client's registered redirect URI "${uri}" ${problem}, so it is not used.`);
  ctx.params.redirect_uri = uri;
  ctx.params.redirect_uri_given = given !== undefined && given !== '';
  const requestedMode = ctx.raw.get('response_mode') as ResponseMode | undefined;
  const fallbackMode = defaultResponseMode(ctx.raw.get('response_type') ?? '');
  // Errors of token-bearing requests never go to the query, whatever response_mode says.
  const usable = requestedMode !== undefined && RESPONSE_MODES.includes(requestedMode) && !(requestedMode === 'query' && fallbackMode === 'fragment');
  ctx.redirect = { uri, mode: usable ? requestedMode : fallbackMode, state: ctx.raw.get('state') ?? '' };
}

/** Request objects (OIDC Core §6) and dynamic registration parameters are not supported. */
function checkUnsupportedParameters(ctx: Context): void {
  if (ctx.raw.has('request')) throw new OAuthError('request_not_supported', { hint: 'The "request" parameter is not supported.' });
  if (ctx.raw.has('request_uri')) throw new OAuthError('request_uri_not_supported', { hint: 'The "request_uri" parameter is not supported.' });
  if (ctx.raw.has('registration')) throw new OAuthError('registration_not_supported', { hint: 'The "registration" parameter is not supported.' });
}

/** RFC 6749 §3.1.1: a served response type the client registered, with the grants it implies. */
function checkResponseType(ctx: Context): void {
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

/** OAuth 2.0 Multiple Response Types §2 and Form Post Response Mode. */
function checkResponseMode(ctx: Context): void {
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

/** fosite's codes and words for each: invalid_state for `state`, insufficient_entropy for `nonce`. */
const WEAK: Record<'state' | 'nonce', () => OAuthError> = {
  state: () => new OAuthError('invalid_state', { hint: `Request parameter 'state' must be at least be ${MIN_ENTROPY_LENGTH} characters long to ensure sufficient entropy.` }),
  nonce: () => new OAuthError('insufficient_entropy', { hint: `Parameter 'nonce' is set but does not satisfy the minimum entropy of ${MIN_ENTROPY_LENGTH} characters.` }),
};

function minimumEntropy(name: 'state' | 'nonce'): Check {
  return (ctx) => {
    const value = ctx.raw.get(name) ?? '';
    if (value !== '' && value.length < MIN_ENTROPY_LENGTH) throw WEAK[name]();
    ctx.params[name] = value;
  };
}

/** RFC 6749 §3.3: every requested scope must be allowed for the client. */
function checkScope(ctx: Context): void {
  const client = clientOf(ctx);
  const scope = splitScope(ctx.raw.get('scope'));
  const missing = uncoveredScopes(ctx.deps.scopeStrategy, splitScope(client.scope), scope);
  if (missing.length > 0) {
    throw new OAuthError('invalid_scope', { hint: `The OAuth 2.0 Client is not allowed to request scope '${missing[0] ?? ''}'.` });
  }
  ctx.params.scope = [...new Set(scope)];
}

/** Hydra's `audience` parameter: each value must be in the client's registered audience. */
function checkAudience(ctx: Context): void {
  const client = clientOf(ctx);
  const audience = splitScope(ctx.raw.get('audience'));
  const foreign = foreignAudiences(client.audience, audience);
  if (foreign.length > 0) {
    throw invalid(`Requested audience "${foreign.join(' ')}" has not been whitelisted by the OAuth 2.0 Client.`);
  }
  ctx.params.audience = [...new Set(audience)];
}

/** RFC 7636 §4.3/§4.4.1, RFC 9700 §2.1.1: S256 only; required for public clients (or all, when enforced). */
function checkPkce(ctx: Context): void {
  const client = clientOf(ctx);
  const challenge = ctx.raw.get('code_challenge') ?? '';
  const method = ctx.raw.get('code_challenge_method') ?? '';
  // PKCE protects the code; a pure implicit response has none.
  if (challenge === '' && !(ctx.params.response_type ?? []).includes('code')) {
    ctx.params.code_challenge = '';
    ctx.params.code_challenge_method = '';
    return;
  }
  if (challenge === '') {
    if (method !== '') throw invalid('The "code_challenge_method" parameter was given without "code_challenge".');
    const isPublic = client.token_endpoint_auth_method === 'none';
    // fosite's pkce handler: the hint for everyone, the configuration only in the debug detail.
    if (ctx.deps.pkce.enforced) {
      throw new OAuthError('invalid_request', {
        hint: 'Clients must include a code_challenge when performing the authorize code flow, but it is missing.',
        debug: 'The server is configured in a way that enforces PKCE for clients.',
      });
    }
    if (isPublic && ctx.deps.pkce.enforcedForPublicClients) {
      throw new OAuthError('invalid_request', {
        hint: 'This client must include a code_challenge when performing the authorize code flow, but it is missing.',
        debug: 'The server is configured in a way that enforces PKCE for this client.',
      });
    }
    ctx.params.code_challenge = '';
    ctx.params.code_challenge_method = '';
    return;
  }
  // RFC 7636 §4.3: an absent method means `plain`, which this server refuses.
  const effective = method || 'plain';
  if (effective === 'plain') {
    throw new OAuthError('invalid_request', {
      hint: 'Clients must use code_challenge_method=S256, plain is not allowed.',
      debug: 'The server is configured in a way that enforces PKCE S256 as challenge method for clients.',
    });
  }
  if (effective !== 'S256') throw invalid('The code_challenge_method is not supported, use S256 instead.');
  if (!isPkceValue(challenge)) throw invalid('The "code_challenge" must be 43 to 128 characters of [A-Za-z0-9-._~].');
  ctx.params.code_challenge = challenge;
  ctx.params.code_challenge_method = 'S256';
}

/** OIDC Core §3.1.2.1: known values only; `none` may not be combined with another. */
function checkPrompt(ctx: Context): void {
  const prompt = [...new Set(splitScope(ctx.raw.get('prompt')))];
  const unknown = prompt.filter((p) => !PROMPTS.includes(p));
  if (unknown.length > 0) throw invalid(`Used unknown value '${unknown.join(' ')}' for prompt parameter`);
  if (prompt.includes('none') && prompt.length > 1) {
    throw invalid("Parameter 'prompt' was set to 'none', but contains other values as well which is not allowed.");
  }
  ctx.params.prompt = prompt;
}

/** OIDC Core §3.1.2.1 max_age: a non-negative number of seconds. */
function checkMaxAge(ctx: Context): void {
  const raw = ctx.raw.get('max_age');
  if (raw === undefined || raw === '') {
    ctx.params.max_age = null;
    return;
  }
  if (!/^\d{1,10}$/.test(raw)) throw invalid('The "max_age" parameter must be a non-negative whole number of seconds.');
  ctx.params.max_age = Number(raw);
}

/** OIDC Core §3.1.2.1: an id_token_hint must be an ID token this server issued (expired is fine). */
async function checkIdTokenHint(ctx: Context): Promise<void> {
  const hint = ctx.raw.get('id_token_hint') ?? '';
  ctx.params.id_token_hint = hint;
  ctx.params.id_token_hint_claims = hint === '' ? null : await ctx.deps.verifyIdTokenHint(hint);
}

/** OIDC Core §3.1.2.1 hints carried on to the login app (Hydra's oidc_context). */
function collectOidcHints(ctx: Context): void {
  ctx.params.ui_locales = splitScope(ctx.raw.get('ui_locales'));
  ctx.params.login_hint = ctx.raw.get('login_hint') ?? '';
  ctx.params.acr_values = splitScope(ctx.raw.get('acr_values'));
  ctx.params.display = ctx.raw.get('display') ?? '';
}

/** The pipeline, in order. A reader sees here which check runs for every request. */
export const AUTHORIZATION_CHECKS: ReadonlyArray<readonly [name: string, check: Check]> = [
  ['client', checkClient],
  ['redirect_uri', checkRedirectUri],
  ['unsupported_parameters', checkUnsupportedParameters],
  ['response_type', checkResponseType],
  ['response_mode', checkResponseMode],
  ['state', minimumEntropy('state')],
  ['nonce', minimumEntropy('nonce')],
  ['scope', checkScope],
  ['audience', checkAudience],
  ['pkce', checkPkce],
  ['prompt', checkPrompt],
  ['max_age', checkMaxAge],
  ['id_token_hint', checkIdTokenHint],
  ['oidc_hints', collectOidcHints],
];

/** Runs every check; the validated request and its client, or an AuthorizationRequestError. */
export async function checkAuthorizationRequest(
  raw: ReadonlyMap<string, string>,
  deps: CheckDeps,
): Promise<{ client: StoredClient; params: AuthorizationParams; redirect: RedirectTarget }> {
  const ctx: Context = { raw, deps, params: {} };
  for (const [, check] of AUTHORIZATION_CHECKS) {
    try {
      await check(ctx);
    } catch (err) {
      if (err instanceof OAuthError) throw new AuthorizationRequestError(err, ctx.redirect);
      throw err;
    }
  }
  const { client, redirect } = ctx;
  if (!client || !redirect) throw new Error('authorization checks ended without client or redirect URI');
  // Every check above filled its fields; the pipeline table is the proof.
  return { client, params: ctx.params as AuthorizationParams, redirect: { ...redirect, mode: ctx.params.response_mode ?? redirect.mode } };
}
