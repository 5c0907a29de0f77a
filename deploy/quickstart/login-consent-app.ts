/**
 * The example login, consent and logout app: what an operator copies to write their own. It
 * talks to Tessera's admin API exactly as a login app for Ory Hydra v2 does, so it works with
 * either. Tessera never renders a login form; it sends the browser here with a challenge:
 *
 *   /oauth2/auth ─▶ GET /login?login_challenge=…      fetch the login request; skip → accept now;
 *                   POST /login                       else check the form → accept (or reject)
 *              ─▶ GET /consent?consent_challenge=…  fetch the consent request; skip → accept now;
 *                   POST /consent                     else the ticked scopes → accept (or reject)
 *   /oauth2/sessions/logout ─▶ GET /logout?logout_challenge=…  confirm → accept (or reject)
 *   /oauth2/device/verify ─▶ GET /device?device_challenge=…[&user_code=…]  the code shown on
 *                   POST /device                      the device → accept the user code, then the
 *                                                     usual login and consent; GET /device/done at the end
 *
 * Every accept/reject answers `redirect_to`; the app sends the browser there with 303.
 *
 *   npx tsx deploy/quickstart/login-consent-app.ts    (npm start runs it for you)
 *   env: TESSERA_ADMIN_URL (or HYDRA_ADMIN_URL; default http://127.0.0.1:4445), PORT (3000),
 *        HOST (127.0.0.1), SECURE_COOKIES=true when served over HTTPS (behind a TLS proxy)
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AdminApiError, createAdminApi, type AdminApi, type ConsentRequest, type FlowClient, type LoginRequest } from './admin-api.js';
import { CSRF_FIELD, createCsrf, type Csrf } from './csrf.js';
import { authenticate, DEMO_USER, findBySubject, idTokenClaims } from './demo-users.js';
import { html, page, raw, webUri, type SafeHtml } from './html.js';
import { closeServer, HttpError, isMain, listen, readForm, redirect, sendHtml } from './http.js';

/** How long Tessera remembers a login or consent the user asked it to remember (seconds). */
const REMEMBER_FOR_SECONDS = 3600;

/** What each scope means to the person reading the consent page. */
const SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your account (your user ID)',
  offline_access: 'Keep access while you are away (a refresh token)',
  offline: 'Keep access while you are away (a refresh token)',
  email: 'Your email address',
  profile: 'Your name',
};

export interface LoginConsentAppOptions {
  /** The admin API base URL, e.g. http://127.0.0.1:4445. */
  adminUrl: string;
  host?: string;
  /** 0 picks a free port. Default 3000. */
  port?: number;
  /** Mark cookies Secure: set when the app is served over HTTPS. Default false (plain HTTP on loopback). */
  secureCookies?: boolean;
  /** Called with unexpected errors (default: printed to stderr). */
  onError?: (err: unknown) => void;
}

export interface RunningLoginConsentApp {
  /** Base URL with the real port; URLS_LOGIN is `${url}/login`, and so on. */
  url: string;
  close(): Promise<void>;
}

function clientName(client: FlowClient | undefined): string {
  if (client === undefined) return 'an application';
  return client.client_name || client.client_id;
}

/** Only an http(s) logo becomes an <img>: a logo URI is client-supplied data. */
function logo(client: FlowClient | undefined): SafeHtml {
  const uri = webUri(client?.logo_uri);
  return uri === undefined ? raw('') : html`<img src="${uri}" alt="">`;
}

/** A link to the client's privacy policy, when it is an http(s) URI (never a javascript: link). */
function policyLink(client: FlowClient | undefined, name: string): SafeHtml | '' {
  const uri = webUri(client?.policy_uri);
  return uri === undefined ? '' : html`<p class="hint"><a href="${uri}">Privacy policy of ${name}</a></p>`;
}

function loginPage(opts: { challenge: string; csrf: string; client: FlowClient; email?: string; error?: string; loginHint?: string }): string {
  return page(
    `Sign in to ${clientName(opts.client)}`,
    html`
<div class="client">${logo(opts.client)}<div><h1>Sign in</h1><p class="hint">to continue to <strong>${clientName(opts.client)}</strong></p></div></div>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/login">
  <input type="hidden" name="challenge" value="${opts.challenge}">
  <input type="hidden" name="${CSRF_FIELD}" value="${opts.csrf}">
  <label for="email">Email</label>
  <input type="email" id="email" name="email" autocomplete="username" required autofocus value="${opts.email ?? opts.loginHint ?? ''}">
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password" required>
  <label class="inline"><input type="checkbox" id="remember" name="remember" value="1"> Remember me on this device</label>
  <div class="actions">
    <button type="submit" name="action" value="login">Sign in</button>
    <button type="submit" name="action" value="deny" class="secondary" formnovalidate>Cancel</button>
  </div>
</form>
<p class="hint">Demo account: <code>${DEMO_USER.email}</code> / <code>${DEMO_USER.password}</code></p>`,
  );
}

function consentPage(opts: { challenge: string; csrf: string; request: ConsentRequest }): string {
  const { request } = opts;
  const name = clientName(request.client);
  const scopes = request.requested_scope ?? [];
  const audiences = request.requested_access_token_audience ?? [];
  return page(
    `Allow ${name} access`,
    html`
<div class="client">${logo(request.client)}<div><h1>Allow access</h1><p class="hint"><strong>${name}</strong> wants to access your account${request.subject ? html` <strong>${request.subject}</strong>` : ''}.</p></div></div>
<form method="post" action="/consent">
  <input type="hidden" name="challenge" value="${opts.challenge}">
  <input type="hidden" name="${CSRF_FIELD}" value="${opts.csrf}">
  <fieldset>
    <legend>Requested permissions</legend>
    ${scopes.length === 0 ? html`<p class="hint">No scopes requested.</p>` : ''}
    ${scopes.map(
      (scope, i) => html`<label class="inline"><input type="checkbox" id="scope-${i}" name="grant_scope" value="${scope}" checked> <span><code>${scope}</code>${SCOPE_DESCRIPTIONS[scope] ? html` — ${SCOPE_DESCRIPTIONS[scope]}` : ''}</span></label>`,
    )}
  </fieldset>
  ${audiences.length > 0 ? html`<p class="hint">Access tokens will be valid for: ${audiences.join(', ')}</p>` : ''}
  <label class="inline"><input type="checkbox" name="remember" value="1"> Do not ask me again for this application</label>
  <div class="actions">
    <button type="submit" name="action" value="accept">Allow access</button>
    <button type="submit" name="action" value="deny" class="danger">Deny</button>
  </div>
</form>
${policyLink(request.client, name)}`,
  );
}

function logoutPage(opts: { challenge: string; csrf: string; client: FlowClient | undefined; subject: string | undefined }): string {
  return page(
    'Sign out',
    html`
<h1>Sign out?</h1>
<p>${opts.client ? html`<strong>${clientName(opts.client)}</strong> asks to end` : 'End'} your session${opts.subject ? html` as <strong>${opts.subject}</strong>` : ''}.</p>
<form method="post" action="/logout">
  <input type="hidden" name="challenge" value="${opts.challenge}">
  <input type="hidden" name="${CSRF_FIELD}" value="${opts.csrf}">
  <div class="actions">
    <button type="submit" name="action" value="accept">Yes, sign me out</button>
    <button type="submit" name="action" value="deny" class="secondary">No, stay signed in</button>
  </div>
</form>`,
  );
}

function devicePage(opts: { challenge: string; csrf: string; userCode: string; error?: string }): string {
  return page(
    'Connect a device',
    html`
<h1>Connect a device</h1>
<p class="hint">Enter the code your TV, console or command line shows you.</p>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/device">
  <input type="hidden" name="challenge" value="${opts.challenge}">
  <input type="hidden" name="${CSRF_FIELD}" value="${opts.csrf}">
  <label for="user_code">Code</label>
  <input type="text" id="user_code" name="user_code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required autofocus value="${opts.userCode}">
  <div class="actions">
    <button type="submit">Continue</button>
  </div>
</form>`,
  );
}

function messagePage(title: string, message: string, status: number): string {
  return page(title, html`<h1>${title}</h1><p${status >= 400 ? raw(' class="error" role="alert"') : ''}>${message}</p>`);
}

function requireParam(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw new HttpError(400, `The ${name} query parameter is missing. This page is reached through the authorization server, not directly.`);
  return value;
}

function requireCsrf(csrf: Csrf, req: IncomingMessage, form: URLSearchParams, purpose: string): void {
  if (!csrf.verify(req, purpose, form.get(CSRF_FIELD))) {
    throw new HttpError(403, 'The form expired or was not sent from this page (CSRF check failed). Go back and try again.');
  }
}

function routes(admin: AdminApi, csrf: Csrf) {
  async function showLogin(req: IncomingMessage, res: ServerResponse, url: URL) {
    const challenge = requireParam(url, 'login_challenge');
    const fetched = await admin.getLoginRequest(challenge);
    if (fetched.handled) return redirect(res, fetched.redirect_to, 302);
    const login: LoginRequest = fetched.request;
    // Hydra: skip means the user has a valid remembered session; the app must accept with the
    // same subject, without showing a form.
    if (login.skip) {
      return redirect(res, await admin.acceptLoginRequest(challenge, { subject: login.subject }), 302);
    }
    const token = csrf.issue(req, res, `login:${challenge}`);
    sendHtml(res, 200, loginPage({ challenge, csrf: token, client: login.client, loginHint: login.oidc_context?.login_hint }));
  }

  async function submitLogin(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const challenge = form.get('challenge') ?? '';
    requireCsrf(csrf, req, form, `login:${challenge}`);
    if (form.get('action') === 'deny') {
      return redirect(res, await admin.rejectLoginRequest(challenge, { error: 'access_denied', error_description: 'The resource owner denied the request' }));
    }
    const email = form.get('email') ?? '';
    const user = authenticate(email, form.get('password') ?? '');
    if (user === undefined) {
      const fetched = await admin.getLoginRequest(challenge);
      if (fetched.handled) return redirect(res, fetched.redirect_to);
      const token = csrf.issue(req, res, `login:${challenge}`);
      return sendHtml(res, 200, loginPage({ challenge, csrf: token, client: fetched.request.client, email, error: 'The email address or password is not correct.' }));
    }
    const remember = form.get('remember') === '1';
    return redirect(
      res,
      await admin.acceptLoginRequest(challenge, { subject: user.subject, remember, remember_for: remember ? REMEMBER_FOR_SECONDS : 0, amr: ['pwd'] }),
    );
  }

  async function showConsent(req: IncomingMessage, res: ServerResponse, url: URL) {
    const challenge = requireParam(url, 'consent_challenge');
    const fetched = await admin.getConsentRequest(challenge);
    if (fetched.handled) return redirect(res, fetched.redirect_to, 302);
    const consent = fetched.request;
    // Hydra: skip means the user already granted these scopes to this client and asked to be
    // remembered; grant what is requested again, with the same ID token claims.
    if (consent.skip) {
      const scopes = consent.requested_scope ?? [];
      return redirect(
        res,
        await admin.acceptConsentRequest(challenge, {
          grant_scope: scopes,
          grant_access_token_audience: consent.requested_access_token_audience ?? [],
          session: { id_token: idTokenClaims(findBySubject(consent.subject ?? ''), scopes) },
        }),
        302,
      );
    }
    const token = csrf.issue(req, res, `consent:${challenge}`);
    sendHtml(res, 200, consentPage({ challenge, csrf: token, request: consent }));
  }

  async function submitConsent(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const challenge = form.get('challenge') ?? '';
    requireCsrf(csrf, req, form, `consent:${challenge}`);
    if (form.get('action') !== 'accept') {
      return redirect(res, await admin.rejectConsentRequest(challenge, { error: 'access_denied', error_description: 'The resource owner denied the request' }));
    }
    const fetched = await admin.getConsentRequest(challenge);
    if (fetched.handled) return redirect(res, fetched.redirect_to);
    const consent = fetched.request;
    // Only scopes that were requested can be granted; a tampered form cannot add one.
    const requested = new Set(consent.requested_scope ?? []);
    const grantScope = form.getAll('grant_scope').filter((scope) => requested.has(scope));
    const remember = form.get('remember') === '1';
    return redirect(
      res,
      await admin.acceptConsentRequest(challenge, {
        grant_scope: grantScope,
        grant_access_token_audience: consent.requested_access_token_audience ?? [],
        remember,
        remember_for: remember ? REMEMBER_FOR_SECONDS : 0,
        session: { id_token: idTokenClaims(findBySubject(consent.subject ?? ''), grantScope) },
      }),
    );
  }

  async function showLogout(req: IncomingMessage, res: ServerResponse, url: URL) {
    const challenge = requireParam(url, 'logout_challenge');
    const fetched = await admin.getLogoutRequest(challenge);
    if (fetched.handled) return redirect(res, fetched.redirect_to, 302);
    const token = csrf.issue(req, res, `logout:${challenge}`);
    sendHtml(res, 200, logoutPage({ challenge, csrf: token, client: fetched.request.client, subject: fetched.request.subject }));
  }

  async function submitLogout(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const challenge = form.get('challenge') ?? '';
    requireCsrf(csrf, req, form, `logout:${challenge}`);
    if (form.get('action') === 'accept') return redirect(res, await admin.acceptLogoutRequest(challenge));
    await admin.rejectLogoutRequest(challenge);
    sendHtml(res, 200, messagePage('Still signed in', 'You stayed signed in. You can close this page.', 200));
  }

  // RFC 8628 §3.3: the person types the code the device shows (verification_uri_complete fills it in).
  function showDevice(req: IncomingMessage, res: ServerResponse, url: URL) {
    const challenge = requireParam(url, 'device_challenge');
    const token = csrf.issue(req, res, `device:${challenge}`);
    sendHtml(res, 200, devicePage({ challenge, csrf: token, userCode: url.searchParams.get('user_code') ?? '' }));
  }

  async function submitDevice(req: IncomingMessage, res: ServerResponse) {
    const form = await readForm(req);
    const challenge = form.get('challenge') ?? '';
    requireCsrf(csrf, req, form, `device:${challenge}`);
    const userCode = form.get('user_code') ?? '';
    try {
      return redirect(res, await admin.acceptUserCode(challenge, userCode));
    } catch (err) {
      // Unknown, expired or used codes are one invalid_request: let the person try again.
      if (!(err instanceof AdminApiError) || err.error !== 'invalid_request') throw err;
      const token = csrf.issue(req, res, `device:${challenge}`);
      return sendHtml(res, 200, devicePage({ challenge, csrf: token, userCode, error: 'That code is not valid or has expired. Check the code on your device.' }));
    }
  }

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /login':
        return showLogin(req, res, url);
      case 'POST /login':
        return submitLogin(req, res);
      case 'GET /consent':
        return showConsent(req, res, url);
      case 'POST /consent':
        return submitConsent(req, res);
      case 'GET /logout':
        return showLogout(req, res, url);
      case 'POST /logout':
        return submitLogout(req, res);
      case 'GET /device':
        return showDevice(req, res, url);
      case 'POST /device':
        return submitDevice(req, res);
      case 'GET /device/done':
        return sendHtml(res, 200, messagePage('Device connected', 'Your device is signed in. You can close this page and go back to it.', 200));
      case 'GET /health':
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return undefined;
      case 'GET /':
        return sendHtml(
          res,
          200,
          page('Tessera quickstart: login and consent', html`<h1>Login and consent app</h1><p>Tessera sends people here to sign in (<code>/login</code>), to approve what an application asks for (<code>/consent</code>), to connect a device with the code it shows (<code>/device</code>) and to sign out (<code>/logout</code>). Start at the relying party instead.</p>`),
        );
      default:
        throw new HttpError(404, 'There is no such page.');
    }
  };
}

/**
 * Starts the app.
 * @example const app = await startLoginConsentApp({ adminUrl: 'http://127.0.0.1:4445', port: 0 }); … await app.close();
 */
export async function startLoginConsentApp(options: LoginConsentAppOptions): Promise<RunningLoginConsentApp> {
  const host = options.host ?? '127.0.0.1';
  const onError = options.onError ?? ((err: unknown) => console.error('login-consent-app:', err));
  const handle = routes(createAdminApi(options.adminUrl), createCsrf({ cookieName: 'quickstart_login_csrf', secure: options.secureCookies ?? false }));

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    handle(req, res, url).catch((err: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (err instanceof HttpError) return sendHtml(res, err.status, messagePage('Something went wrong', err.message, err.status));
      if (err instanceof AdminApiError) {
        // 404/409/410 from the admin API: an unknown, used or expired challenge. Say so plainly.
        const status = err.status >= 400 && err.status < 500 ? err.status : 502;
        const text = err.description || `The authorization server answered ${err.error}.`;
        return sendHtml(res, status, messagePage('This sign-in request cannot continue', `${text} Start again from the application.`, status));
      }
      onError(err);
      sendHtml(res, 502, messagePage('Something went wrong', 'The authorization server could not be reached. Try again in a moment.', 502));
    });
  });
  const url = await listen(server, host, options.port ?? 3000);
  return { url, close: () => closeServer(server) };
}

if (isMain(import.meta.url)) {
  const adminUrl = process.env.TESSERA_ADMIN_URL ?? process.env.HYDRA_ADMIN_URL ?? 'http://127.0.0.1:4445';
  const port = Number(process.env.PORT ?? 3000);
  startLoginConsentApp({ adminUrl, port, host: process.env.HOST ?? '127.0.0.1', secureCookies: process.env.SECURE_COOKIES === 'true' }).then(
    (app) => {
      console.log(`login-consent-app: listening at ${app.url} (admin API ${adminUrl})`);
      const stop = () => void app.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (err: unknown) => {
      const code = (err as { code?: string }).code;
      console.error(code === 'EADDRINUSE' ? `login-consent-app: port ${port} is in use; set PORT to another one` : `login-consent-app: ${String(err)}`);
      process.exit(1);
    },
  );
}
