/**
 * Hydra's token hooks (oauth2/token_hook.go, oauth2/refresh_hook.go): once a token request is
 * valid and before anything is consumed or minted, core POSTs the session and the request to
 * the operator's webhook, which may replace the claims of the tokens about to be issued.
 *
 * - `oauth2.refresh_token_hook` (the older one) runs for the refresh_token grant only, first;
 *   `oauth2.token_hook` runs for every grant, after it, and sees what the first one returned.
 * - 200 with `{"session": {"access_token": {…}, "id_token": {…}}}`: those become the access
 *   token's `ext` claims and the ID token's extra claims (they replace, as in Hydra, and are
 *   kept for later refreshes); 204: nothing changes; 403: `access_denied`; anything else, a
 *   malformed body, a network error or the timeout: `server_error`. The grant is untouched by a
 *   failure (the code or refresh token can be used again).
 * - Hydra's HTTP client: up to 2 retries on a network error, 429 or a 5xx other than 501, 1 s
 *   then 2 s apart (Retry-After on 429/503), within `oauth2.hooks.timeout` for the whole call;
 *   `clients.http.disallow_private_ip_ranges` applies. Redirects are not followed.
 * - The hook sees the request form's `grant_type`, `scope`, `client_id`, `response_type` and
 *   `assertion` only (fosite's Sanitize): never a code, a verifier, a secret or a token.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { request, type Dispatcher } from 'undici';
import type { StoredClient } from '../clients/client.js';
import { PrivateAddressError, type OutboundHttp } from '../clients/outbound-http.js';
import type { DEVICE_CODE_GRANT_TYPE, GrantSession } from '../oauth2/grant-session.js';
import type { WebhookConfig } from '../shared/config.js';
import { OAuthError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import type { JwtClaimsLayout } from './jwt-access-token.js';

export type HookName = 'token_hook' | 'refresh_token_hook';

/** How a hook call ended, for the metrics: 200, 204, 403, any other answer, or no answer at all. */
export type HookOutcome = 'updated' | 'unchanged' | 'denied' | 'failed' | 'unreachable';

/** A valid token request as the hooks see it (Hydra's AccessRequester), before it is carried out. */
export interface AccessRequest {
  grantType: 'authorization_code' | 'refresh_token' | 'client_credentials' | 'urn:ietf:params:oauth:grant-type:jwt-bearer' | typeof DEVICE_CODE_GRANT_TYPE;
  /** The hooks name the client only by its id. */
  client: Pick<StoredClient, 'client_id'>;
  /** The JWT-bearer grant's subject, the assertion's `sub` (fosite's rfc7523 session), where no user's grant is. */
  subject?: string;
  /** The token request's form parameters. */
  form: ReadonlyMap<string, string>;
  requestedScope: readonly string[];
  grantedScope: readonly string[];
  grantedAudience: readonly string[];
  /** The user's grant; absent for client_credentials, where the client acts on its own behalf. */
  session?: GrantSession;
}

/** The extra claims to mint with: the access token's `ext` and the ID token's extras. */
export interface TokenClaims {
  accessToken: Record<string, unknown>;
  idToken: Record<string, unknown>;
}

export interface TokenHooks {
  /** Runs the hooks configured for this grant; the claims to mint with. Throws an OAuthError as Hydra answers. */
  run(request: AccessRequest, claims: TokenClaims): Promise<TokenClaims>;
}

export interface TokenHookDeps {
  tokenHook: WebhookConfig | undefined;
  refreshTokenHook: WebhookConfig | undefined;
  /** `oauth2.hooks.timeout`: one hook call, retries included. */
  timeoutMs: number;
  http: OutboundHttp;
  issuer: string;
  /** Echoed in the session as Hydra does (its Session carries these settings). */
  claimsLayout: JwtClaimsLayout;
  logger: Logger;
  /** Told of every hook call: which hook, how it ended, how long it took in seconds. */
  observe?: (hook: HookName, outcome: HookOutcome, seconds: number) => void;
  now: () => Date;
}

// hashicorp/go-retryablehttp as Hydra configures it (driver/registry_sql.go HTTPClient).
const MAX_RETRIES = 2;
const RETRY_WAIT_MIN_MS = 1_000;
const RETRY_WAIT_MAX_MS = 30_000;
// Hydra reads at most 5 MiB of a hook's answer.
const MAX_BODY_BYTES = 5 << 20;
// fosite's Request.Sanitize: the form parameters a hook may see (defaultAllowedParameters + "assertion").
const PAYLOAD_PARAMETERS = ['grant_type', 'response_type', 'scope', 'client_id', 'assertion'];
// Go's zero time.Time, as Hydra marshals a claim time it has not set.
const ZERO_TIME = '0001-01-01T00:00:00Z';

const tokenHookError = (description: string) => new OAuthError('server_error', { description });
const EXECUTE_FAILED = 'An error occurred while executing the token hook.';
const TARGET_FAILED = 'The token hook target responded with an error.';

/** Hydra's oauth2.Session JSON for `request` (what its hooks receive as `session`). */
function hydraSession(request: AccessRequest, claims: TokenClaims, deps: TokenHookDeps): Record<string, unknown> {
  const { session, client } = request;
  const layout = deps.claimsLayout;
  return {
    id_token: {
      id_token_claims: {
        jti: '',
        iss: deps.issuer,
        sub: session ? session.obfuscated_subject || session.subject : '',
        aud: session ? [client.client_id] : [],
        nonce: session?.nonce ?? '',
        exp: ZERO_TIME,
        iat: deps.now().toISOString(),
        rat: ZERO_TIME,
        auth_time: session && session.auth_time > 0 ? new Date(session.auth_time * 1000).toISOString() : ZERO_TIME,
        at_hash: '',
        acr: session?.acr ?? '',
        amr: session && session.amr.length > 0 ? session.amr : null,
        c_hash: '',
        ext: claims.idToken,
      },
      headers: { extra: {} },
      expires_at: {},
      // Hydra: the client is the subject of a client_credentials session, the assertion's sub of a JWT-bearer one.
      subject: session ? session.subject : (request.subject ?? client.client_id),
    },
    extra: claims.accessToken,
    kid: '',
    client_id: client.client_id,
    consent_challenge: session?.consent_challenge_id ?? '',
    exclude_not_before_claim: layout.excludeNotBeforeClaim ?? false,
    allowed_top_level_claims: layout.allowedTopLevelClaims ?? [],
    mirror_top_level_claims: layout.mirrorTopLevelClaims ?? true,
    preserve_ext_claims: layout.preserveExtClaims ?? false,
  };
}

/** The form as Go's url.Values, with only the parameters fosite lets a hook see. */
function payloadOf(form: ReadonlyMap<string, string>): Record<string, string[]> {
  const payload: Record<string, string[]> = {};
  for (const name of PAYLOAD_PARAMETERS) {
    const value = form.get(name);
    if (value !== undefined) payload[name] = [value];
  }
  return payload;
}

/** Hydra's TokenHookRequest. */
function tokenHookBody(request: AccessRequest, claims: TokenClaims, deps: TokenHookDeps): unknown {
  return {
    session: hydraSession(request, claims, deps),
    request: {
      client_id: request.client.client_id,
      requested_scopes: request.requestedScope,
      granted_scopes: request.grantedScope,
      granted_audience: request.grantedAudience,
      grant_types: [request.grantType],
      payload: payloadOf(request.form),
    },
  };
}

/** Hydra's RefreshTokenHookRequest (the older hook's body). */
function refreshTokenHookBody(request: AccessRequest, claims: TokenClaims, deps: TokenHookDeps): unknown {
  const granted = { client_id: request.client.client_id, granted_scopes: request.grantedScope, granted_audience: request.grantedAudience };
  return {
    subject: request.session?.subject ?? '',
    session: hydraSession(request, claims, deps),
    requester: { ...granted, grant_types: [request.grantType] },
    ...granted,
  };
}

/** A JSON object, or Go's zero value (`{}`) for null or absent; undefined for anything else (a decode error in Go). */
function claimsObject(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return {};
  return typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Hydra's TokenHookResponse decoded with Go's rules; undefined when Go's decoder would fail. */
function decodeAnswer(text: string): TokenClaims | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  const root = claimsObject(body);
  const session = root === undefined ? undefined : claimsObject(root.session);
  if (session === undefined) return undefined;
  const accessToken = claimsObject(session.access_token);
  const idToken = claimsObject(session.id_token);
  return accessToken && idToken ? { accessToken, idToken } : undefined;
}

/** Reads at most MAX_BODY_BYTES of the answer; undefined when it is longer. */
async function readLimited(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      body.destroy();
      return undefined;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** go-retryablehttp's DefaultRetryPolicy for an answer. */
const retryableStatus = (status: number) => status === 429 || (status >= 500 && status !== 501);

/** A failure worth another attempt: not a refused private address, not a certificate problem. */
function retryableError(err: unknown): boolean {
  if (err instanceof PrivateAddressError) return false;
  const code = (err as { code?: unknown }).code;
  return !(typeof code === 'string' && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code));
}

/** go-retryablehttp's DefaultBackoff: Retry-After seconds on 429/503, else 1 s · 2^attempt up to 30 s. */
function backoffMs(attempt: number, status?: number, retryAfter?: string | string[]): number {
  const header = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  if ((status === 429 || status === 503) && header !== undefined && /^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  return Math.min(RETRY_WAIT_MIN_MS * 2 ** attempt, RETRY_WAIT_MAX_MS);
}

/** Where a hook is, for logs: the URL without its query, which may carry a credential. */
const shownUrl = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
};

type CallResult = { outcome: 'updated'; claims: TokenClaims } | { outcome: Exclude<HookOutcome, 'updated'>; error?: OAuthError; detail: string };

/**
 * Builds the hooks; undefined when neither hook is configured, so grants skip them entirely.
 *
 * @example
 * const hooks = createTokenHooks({ tokenHook: config.oauth2.tokenHook, refreshTokenHook: config.oauth2.refreshTokenHook, … });
 * const claims = hooks ? await hooks.run(request, { accessToken: {}, idToken: {} }) : undefined;
 */
export function createTokenHooks(deps: TokenHookDeps): TokenHooks | undefined {
  const { tokenHook, refreshTokenHook } = deps;
  if (tokenHook === undefined && refreshTokenHook === undefined) return undefined;

  /** One POST of `body` to `hook` with Hydra's retries, all within the timeout. */
  async function call(hook: WebhookConfig, body: unknown): Promise<CallResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
    if (hook.auth?.in === 'header') headers[hook.auth.name.toLowerCase()] = hook.auth.value;
    if (hook.auth?.in === 'cookie') headers.cookie = `${hook.auth.name}=${hook.auth.value}`;
    const payload = JSON.stringify(body);
    const deadline = Date.now() + deps.timeoutMs;
    const signal = AbortSignal.timeout(deps.timeoutMs);
    const unreachable = (detail: string): CallResult => ({ outcome: 'unreachable', error: tokenHookError(EXECUTE_FAILED), detail });

    for (let attempt = 0; ; attempt++) {
      let wait: number;
      try {
        const res = await request(hook.url, { method: 'POST', headers, body: payload, signal, dispatcher: deps.http.dispatcherFor(hook.url) });
        if (retryableStatus(res.statusCode)) {
          await res.body.dump();
          // go-retryablehttp gives up with an error of its own once the retries are spent.
          if (attempt === MAX_RETRIES) return { outcome: 'failed', error: tokenHookError(EXECUTE_FAILED), detail: `status ${res.statusCode} after ${attempt + 1} attempts` };
          wait = backoffMs(attempt, res.statusCode, res.headers['retry-after']);
        } else {
          switch (res.statusCode) {
            case 200: {
              const text = await readLimited(res.body);
              const claims = text === undefined ? undefined : decodeAnswer(text);
              if (claims === undefined) return { outcome: 'failed', error: tokenHookError(TARGET_FAILED), detail: 'status 200 with a body that is not a token hook response' };
              return { outcome: 'updated', claims };
            }
            case 204:
              await res.body.dump();
              return { outcome: 'unchanged', detail: 'status 204' };
            case 403:
              await res.body.dump();
              return {
                outcome: 'denied',
                // fosite's ErrAccessDenied keeps its own hint, so clients read Hydra's exact text.
                error: new OAuthError('access_denied', {
                  description: TARGET_FAILED,
                  hint: 'Make sure that the request you are making is valid. Maybe the credential or request parameters you are using are limited in scope or otherwise restricted.',
                }),
                detail: 'status 403',
              };
            default:
              await res.body.dump();
              return { outcome: 'failed', error: tokenHookError(TARGET_FAILED), detail: `status ${res.statusCode}` };
          }
        }
      } catch (err) {
        if (signal.aborted) return unreachable(`no answer within oauth2.hooks.timeout (${deps.timeoutMs} ms)`);
        const detail = err instanceof Error ? err.message : String(err);
        if (attempt === MAX_RETRIES || !retryableError(err)) return unreachable(detail);
        wait = backoffMs(attempt);
      }
      // A retry that could not finish in time is not worth waiting for.
      if (Date.now() + wait >= deadline) return unreachable(`the next retry would start after oauth2.hooks.timeout (${deps.timeoutMs} ms)`);
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        return unreachable(`no answer within oauth2.hooks.timeout (${deps.timeoutMs} ms)`);
      }
    }
  }

  async function runOne(name: HookName, hook: WebhookConfig, body: unknown, claims: TokenClaims, clientId: string): Promise<TokenClaims> {
    const started = performance.now();
    const result = await call(hook, body);
    deps.observe?.(name, result.outcome, (performance.now() - started) / 1000);
    if (result.outcome === 'updated') return result.claims;
    if (result.error === undefined) return claims;
    deps.logger.warn({ hook: name, url: shownUrl(hook.url), client_id: clientId, outcome: result.outcome, detail: result.detail }, 'token hook failed; the token request is refused');
    throw result.error;
  }

  return {
    async run(request, claims) {
      let current = claims;
      if (refreshTokenHook !== undefined && request.grantType === 'refresh_token') {
        current = await runOne('refresh_token_hook', refreshTokenHook, refreshTokenHookBody(request, current, deps), current, request.client.client_id);
      }
      if (tokenHook !== undefined) {
        current = await runOne('token_hook', tokenHook, tokenHookBody(request, current, deps), current, request.client.client_id);
      }
      return current;
    },
  };
}

/** A user grant's token request, as the grant knows it when it is about to carry it out. */
export interface UserGrantRequest {
  grantType: 'authorization_code' | 'refresh_token' | typeof DEVICE_CODE_GRANT_TYPE;
  client: Pick<StoredClient, 'client_id'>;
  form: ReadonlyMap<string, string>;
  session: GrantSession;
  /** The scope of the tokens about to be minted, when narrower than the session's (a refresh may ask for less). */
  scope?: readonly string[];
}

/**
 * The grant session with the claims the hooks decided (the session itself when no hook is
 * configured); the caller mints and stores with it, so later refreshes keep the claims.
 */
export async function hookedSession(hooks: TokenHooks | undefined, grant: UserGrantRequest): Promise<GrantSession> {
  if (hooks === undefined) return grant.session;
  const { session } = grant;
  const scope = grant.scope ?? session.granted_scope;
  const claims = await hooks.run(
    { grantType: grant.grantType, client: grant.client, form: grant.form, requestedScope: scope, grantedScope: scope, grantedAudience: session.granted_audience, session },
    { accessToken: session.access_token_claims, idToken: session.id_token_claims },
  );
  return { ...session, access_token_claims: claims.accessToken, id_token_claims: claims.idToken };
}
