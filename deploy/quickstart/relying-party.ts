/**
 * The quickstart's example relying party: a web application that signs people in with Tessera
 * through OpenID Connect, using the `openid-client` library as any Node.js application would.
 *
 *   GET  /           signed out: a "Sign in" button; signed in: the ID token's claims, the
 *                    access token's introspection result, and Refresh / Revoke / Log out
 *   GET  /signin     authorization code request with PKCE (S256), state and nonce
 *   GET  /callback   the authorization response: exchanges the code, or shows `error`
 *   POST /refresh    refresh_token grant          POST /revoke   RFC 7009 revocation
 *   POST /logout     RP-initiated logout (end_session_endpoint, id_token_hint) → /logged-out
 *
 * At start it registers its client (`quickstart-rp`) through the admin API when missing, and
 * brings it up to date when present, so `npm start` needs no manual setup.
 *
 *   npx tsx deploy/quickstart/relying-party.ts    (npm start runs it for you)
 *   env: ISSUER_URL (http://127.0.0.1:4444/), TESSERA_ADMIN_URL (http://127.0.0.1:4445), PORT (5555), HOST (127.0.0.1)
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import { request } from 'undici';
import { CSRF_FIELD, createCsrf, type Csrf } from './csrf.js';
import { html, page, raw, type SafeHtml } from './html.js';
import { closeServer, HttpError, isMain, listen, readCookies, readForm, redirect, sendHtml, setCookie } from './http.js';

/** The client the quickstart registers. The secret is a fixed development value: never reuse it. */
export const QUICKSTART_CLIENT_ID = 'quickstart-rp';
const QUICKSTART_CLIENT_SECRET = 'quickstart-rp-dev-secret-not-for-production';
const SCOPE = 'openid offline_access email profile';
const SESSION_COOKIE = 'quickstart_rp_session';

export interface RelyingPartyOptions {
  /** Tessera's issuer (public URL), e.g. http://127.0.0.1:4444/ — discovery starts there. */
  issuer: string;
  /** The admin API, e.g. http://127.0.0.1:4445: client registration and token introspection. */
  adminUrl: string;
  host?: string;
  /** 0 picks a free port. Default 5555. */
  port?: number;
  /** Called with unexpected errors (default: printed to stderr). */
  onError?: (err: unknown) => void;
}

export interface RunningRelyingParty {
  /** Base URL with the real port (the client's redirect URI is `${url}/callback`). */
  url: string;
  close(): Promise<void>;
}

interface Tokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  claims?: Record<string, unknown>;
  scope?: string;
  expiresIn?: number;
}

/** What the RP remembers per browser: an authorization request in flight and the tokens. */
interface Session {
  pending?: { state: string; nonce: string; codeVerifier: string };
  logoutState?: string;
  tokens?: Tokens;
  notice?: string;
}

/** The RP's own logo, served at /logo.svg and registered as the client's logo_uri. */
const LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="Quickstart RP">
<rect width="64" height="64" rx="12" fill="#3451b2"/><path d="M18 20h12a10 10 0 0 1 0 20h-4v8h-8zm8 6v8h4a4 4 0 0 0 0-8z" fill="#fff"/><circle cx="46" cy="44" r="5" fill="#93a8f5"/></svg>
`;

/** Hydra's client document for the quickstart RP at `base`. */
function clientDocument(base: string): Record<string, unknown> {
  return {
    client_id: QUICKSTART_CLIENT_ID,
    client_name: 'Quickstart relying party',
    client_secret: QUICKSTART_CLIENT_SECRET,
    client_uri: base,
    logo_uri: `${base}/logo.svg`,
    redirect_uris: [`${base}/callback`],
    post_logout_redirect_uris: [`${base}/logged-out`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    scope: SCOPE,
    token_endpoint_auth_method: 'client_secret_basic',
  };
}

async function adminJson(method: 'GET' | 'POST' | 'PUT', url: string, body?: string, contentType = 'application/json'): Promise<{ status: number; json: unknown }> {
  const res = await request(url, { method, body, headers: body === undefined ? {} : { 'content-type': contentType } });
  const text = await res.body.text();
  try {
    return { status: res.statusCode, json: text ? (JSON.parse(text) as unknown) : {} };
  } catch {
    return { status: res.statusCode, json: { error: text } };
  }
}

/** Creates the quickstart client, or replaces it so its redirect URIs fit this RP's address. */
export async function registerQuickstartClient(adminUrl: string, base: string): Promise<void> {
  const admin = adminUrl.replace(/\/+$/, '');
  const doc = JSON.stringify(clientDocument(base));
  const existing = await adminJson('GET', `${admin}/admin/clients/${QUICKSTART_CLIENT_ID}`);
  const answer =
    existing.status === 200
      ? await adminJson('PUT', `${admin}/admin/clients/${QUICKSTART_CLIENT_ID}`, doc)
      : await adminJson('POST', `${admin}/admin/clients`, doc);
  if (answer.status !== 200 && answer.status !== 201) {
    throw new Error(`registering the ${QUICKSTART_CLIENT_ID} client failed: ${answer.status} ${JSON.stringify(answer.json)}`);
  }
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function claimsTable(claims: Record<string, unknown>): SafeHtml {
  const time = (k: string, v: unknown) => (['exp', 'iat', 'auth_time', 'nbf'].includes(k) && typeof v === 'number' ? ` (${new Date(v * 1000).toISOString()})` : '');
  return html`<table id="claims"><tbody>${Object.entries(claims).map(
    ([k, v]) => html`<tr><th scope="row">${k}</th><td>${typeof v === 'string' ? v : JSON.stringify(v)}${time(k, v)}</td></tr>`,
  )}</tbody></table>`;
}

function homePage(opts: { session: Session; csrf: string; introspection: unknown }): string {
  const { tokens, notice } = opts.session;
  const noticeHtml = notice ? html`<p class="hint" role="status" id="notice">${notice}</p>` : '';
  if (tokens === undefined) {
    return page(
      'Quickstart relying party',
      html`
<div class="client"><img src="/logo.svg" alt=""><div><h1>Quickstart relying party</h1><p class="hint">An example application that signs you in with Tessera (OpenID Connect, authorization code + PKCE).</p></div></div>
${noticeHtml}
<p>You are not signed in.</p>
<div class="actions"><a class="button" href="/signin">Sign in</a></div>`,
    );
  }
  const form = (action: string, label: string, cls = '') =>
    html`<form method="post" action="${action}"><input type="hidden" name="${CSRF_FIELD}" value="${opts.csrf}"><button type="submit"${cls ? raw(` class="${cls}"`) : ''}>${label}</button></form>`;
  const subject = typeof tokens.claims?.sub === 'string' ? tokens.claims.sub : 'someone';
  return page(
    'Signed in — Quickstart relying party',
    html`
<div class="client"><img src="/logo.svg" alt=""><div><h1>Signed in</h1><p class="hint">as <strong id="subject">${subject}</strong></p></div></div>
${noticeHtml}
<div class="actions">${form('/refresh', 'Refresh tokens', 'secondary')}${form('/revoke', 'Revoke tokens', 'danger')}${form('/logout', 'Log out')}</div>
<h2>ID token claims</h2>
${tokens.claims ? claimsTable(tokens.claims) : html`<p class="hint">No ID token.</p>`}
<h2>Access token introspection</h2>
<p class="hint">POST /admin/oauth2/introspect — access token <code id="access-token-fingerprint">${fingerprint(tokens.accessToken)}</code> (SHA-256 prefix); granted scope: <code id="scope">${tokens.scope ?? ''}</code>; refresh token: ${tokens.refreshToken ? 'yes' : 'no'}</p>
<pre id="introspection">${json(opts.introspection)}</pre>`,
  );
}

/** A short, non-secret label for a token, so a person sees when Refresh replaced it. */
function fingerprint(token: string): string {
  return createHash('sha256').update(token).digest('base64url').slice(0, 10);
}

function errorPage(error: string, description: string): string {
  return page(
    'Sign-in did not complete — Quickstart relying party',
    html`
<h1>Sign-in did not complete</h1>
<p class="error" role="alert"><strong id="error">${error}</strong>${description ? html`: <span id="error-description">${description}</span>` : ''}</p>
<div class="actions"><a class="button" href="/">Back to the start page</a></div>`,
  );
}

/** The OAuth error code and description of an openid-client failure, for the error page. */
function describe(err: unknown): { error: string; description: string } {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError) {
    return { error: err.error, description: err.error_description ?? '' };
  }
  return { error: 'request_failed', description: err instanceof Error ? err.message : String(err) };
}

function routes(opts: { issuer: string; adminUrl: string; base: string; csrf: Csrf; onError: (err: unknown) => void }) {
  const { base, csrf } = opts;
  const admin = opts.adminUrl.replace(/\/+$/, '');
  const sessions = new Map<string, Session>();
  let discovered: Promise<oidc.Configuration> | undefined;

  // Discovery happens on first use and is retried after a failure, so the RP can start before
  // the authorization server is ready.
  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(new URL(opts.issuer), QUICKSTART_CLIENT_ID, QUICKSTART_CLIENT_SECRET, oidc.ClientSecretBasic(QUICKSTART_CLIENT_SECRET), {
        // Plain HTTP on loopback in the quickstart; a real deployment serves HTTPS.
        execute: opts.issuer.startsWith('http:') ? [oidc.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        discovered = undefined;
        throw err;
      });
    return discovered;
  }

  function sessionOf(req: IncomingMessage, res: ServerResponse): Session {
    const id = readCookies(req)[SESSION_COOKIE];
    const found = id === undefined ? undefined : sessions.get(id);
    if (found) return found;
    const fresh: Session = {};
    const newId = randomBytes(32).toString('base64url');
    sessions.set(newId, fresh);
    setCookie(res, SESSION_COOKIE, newId, { secure: base.startsWith('https:') });
    return fresh;
  }

  async function introspect(token: string): Promise<unknown> {
    const { json: answer } = await adminJson('POST', `${admin}/admin/oauth2/introspect`, new URLSearchParams({ token }).toString(), 'application/x-www-form-urlencoded');
    return answer;
  }

  function store(session: Session, response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): void {
    const previous = session.tokens;
    const claims = response.claims();
    session.tokens = {
      accessToken: response.access_token,
      // RFC 6749 §6: the server may keep the old refresh token; keep it when none came back.
      refreshToken: response.refresh_token ?? previous?.refreshToken,
      idToken: response.id_token ?? previous?.idToken,
      claims: claims ? { ...claims } : previous?.claims,
      scope: response.scope,
      expiresIn: response.expires_in,
    };
  }

  async function home(req: IncomingMessage, res: ServerResponse) {
    const session = sessionOf(req, res);
    const introspection = session.tokens ? await introspect(session.tokens.accessToken) : undefined;
    const token = csrf.issue(req, res, 'rp');
    sendHtml(res, 200, homePage({ session, csrf: token, introspection }));
    session.notice = undefined;
  }

  async function signIn(req: IncomingMessage, res: ServerResponse) {
    const session = sessionOf(req, res);
    const config = await configuration();
    // RFC 9700 §2.1.1: PKCE with S256 even for a confidential client; state and nonce as well.
    const pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() };
    session.pending = pending;
    const target = oidc.buildAuthorizationUrl(config, {
      redirect_uri: `${base}/callback`,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    redirect(res, target.href, 302);
  }

  async function callback(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = sessionOf(req, res);
    const pending = session.pending;
    session.pending = undefined;
    const error = url.searchParams.get('error');
    if (error !== null) {
      // RFC 6749 §4.1.2.1: the authorization server reports the error to the redirect URI.
      return sendHtml(res, 200, errorPage(error, url.searchParams.get('error_description') ?? ''));
    }
    if (pending === undefined) throw new HttpError(400, 'No sign-in is in progress in this browser. Start again from the home page.');
    try {
      const response = await oidc.authorizationCodeGrant(
        await configuration(),
        new URL(url.pathname + url.search, base),
        { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true },
        { redirect_uri: `${base}/callback` },
      );
      store(session, response);
    } catch (err) {
      const { error: code, description } = describe(err);
      return sendHtml(res, 200, errorPage(code, description));
    }
    return redirect(res, '/', 303);
  }

  async function action(req: IncomingMessage, res: ServerResponse, name: 'refresh' | 'revoke' | 'logout') {
    const form = await readForm(req);
    if (!csrf.verify(req, 'rp', form.get(CSRF_FIELD))) throw new HttpError(403, 'The form was not sent from this page (CSRF check failed). Go back and try again.');
    const session = sessionOf(req, res);
    const tokens = session.tokens;
    if (tokens === undefined) return redirect(res, '/');
    const config = await configuration();
    try {
      if (name === 'refresh') {
        if (tokens.refreshToken === undefined) throw new HttpError(400, 'There is no refresh token (offline_access was not granted).');
        store(session, await oidc.refreshTokenGrant(config, tokens.refreshToken));
        session.notice = 'Tokens refreshed: a new access token (and refresh token) replaced the old ones.';
      } else if (name === 'revoke') {
        // RFC 7009 §2.1: revoking the refresh token also invalidates the access tokens of the grant.
        if (tokens.refreshToken !== undefined) await oidc.tokenRevocation(config, tokens.refreshToken, { token_type_hint: 'refresh_token' });
        await oidc.tokenRevocation(config, tokens.accessToken, { token_type_hint: 'access_token' });
        session.notice = 'Tokens revoked: introspection now reports the access token inactive.';
      } else {
        // OpenID Connect RP-Initiated Logout 1.0 §2: end the session at the provider too.
        session.logoutState = oidc.randomState();
        const target = oidc.buildEndSessionUrl(config, {
          ...(tokens.idToken ? { id_token_hint: tokens.idToken } : {}),
          post_logout_redirect_uri: `${base}/logged-out`,
          state: session.logoutState,
        });
        session.tokens = undefined;
        return redirect(res, target.href);
      }
    } catch (err) {
      if (err instanceof HttpError) throw err;
      const { error, description } = describe(err);
      session.notice = `${name} failed: ${error}${description ? ` (${description})` : ''}`;
    }
    return redirect(res, '/');
  }

  function loggedOut(req: IncomingMessage, res: ServerResponse, url: URL) {
    const session = sessionOf(req, res);
    const expected = session.logoutState;
    session.logoutState = undefined;
    session.tokens = undefined;
    session.notice = expected !== undefined && url.searchParams.get('state') === expected ? 'You are signed out.' : 'You are signed out of this application.';
    redirect(res, '/', 303);
  }

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    switch (`${req.method ?? 'GET'} ${url.pathname}`) {
      case 'GET /':
        return home(req, res);
      case 'GET /signin':
        return signIn(req, res);
      case 'GET /callback':
        return callback(req, res, url);
      case 'POST /refresh':
        return action(req, res, 'refresh');
      case 'POST /revoke':
        return action(req, res, 'revoke');
      case 'POST /logout':
        return action(req, res, 'logout');
      case 'GET /logged-out':
        return loggedOut(req, res, url);
      case 'GET /logo.svg':
        res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600' }).end(LOGO_SVG);
        return undefined;
      case 'GET /health':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return undefined;
      default:
        throw new HttpError(404, 'There is no such page.');
    }
  };
}

/**
 * Starts the relying party and registers (or updates) its client through the admin API.
 * @example const rp = await startRelyingParty({ issuer: 'http://127.0.0.1:4444/', adminUrl: 'http://127.0.0.1:4445', port: 0 });
 */
export async function startRelyingParty(options: RelyingPartyOptions): Promise<RunningRelyingParty> {
  const onError = options.onError ?? ((err: unknown) => console.error('relying-party:', err));
  let handle: ((req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>) | undefined;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://rp.invalid');
    const run = handle ?? (() => Promise.reject(new HttpError(503, 'The relying party is starting; reload in a moment.')));
    run(req, res, url).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      const status = err instanceof HttpError ? err.status : 502;
      if (!(err instanceof HttpError)) onError(err);
      const message = err instanceof HttpError ? err.message : `The authorization server could not be reached or refused the request: ${describe(err).description}`;
      sendHtml(res, status, page('Something went wrong', html`<h1>Something went wrong</h1><p class="error" role="alert">${message}</p><p><a href="/">Back to the start page</a></p>`));
    });
  });
  // The redirect URI contains the real port, so listen first, then register the client.
  const base = await listen(server, options.host ?? '127.0.0.1', options.port ?? 5555);
  try {
    await registerQuickstartClient(options.adminUrl, base);
  } catch (err) {
    await closeServer(server);
    throw err;
  }
  const csrf = createCsrf({ cookieName: 'quickstart_rp_csrf', secure: base.startsWith('https:') });
  handle = routes({ issuer: options.issuer, adminUrl: options.adminUrl, base, csrf, onError });
  return { url: base, close: () => closeServer(server) };
}

if (isMain(import.meta.url)) {
  const issuer = process.env.ISSUER_URL ?? 'http://127.0.0.1:4444/';
  const adminUrl = process.env.TESSERA_ADMIN_URL ?? process.env.HYDRA_ADMIN_URL ?? 'http://127.0.0.1:4445';
  const port = Number(process.env.PORT ?? 5555);
  startRelyingParty({ issuer, adminUrl, port, host: process.env.HOST ?? '127.0.0.1' }).then(
    (rp) => {
      console.log(`relying-party: listening at ${rp.url} (issuer ${issuer}, client ${QUICKSTART_CLIENT_ID})`);
      const stop = () => void rp.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      const code = (err as { code?: string }).code;
      console.error(code === 'EADDRINUSE' ? `relying-party: port ${port} is in use; set PORT to another one` : `relying-party: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
