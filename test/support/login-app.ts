/**
 * A login/consent app written for the tests, the way a Hydra login app is written: it reads
 * the challenge from its own URL, asks the admin API about it, and accepts or rejects it,
 * sending the browser to `redirect_to`.
 */
import { adminCall, type Answer } from './oauth2.js';
import { param, type Browser, type Hop } from './browser.js';

export interface LoginApp {
  getLogin(challenge: string): Promise<Answer>;
  acceptLogin(challenge: string, body: Record<string, unknown>): Promise<Answer>;
  rejectLogin(challenge: string, body: Record<string, unknown>): Promise<Answer>;
  getConsent(challenge: string): Promise<Answer>;
  acceptConsent(challenge: string, body: Record<string, unknown>): Promise<Answer>;
  rejectConsent(challenge: string, body: Record<string, unknown>): Promise<Answer>;
}

export function loginApp(admin: string): LoginApp {
  const q = (name: string, challenge: string) => `?${name}=${encodeURIComponent(challenge)}`;
  return {
    getLogin: (c) => adminCall(admin, 'GET', `/admin/oauth2/auth/requests/login${q('login_challenge', c)}`),
    acceptLogin: (c, body) => adminCall(admin, 'PUT', `/admin/oauth2/auth/requests/login/accept${q('login_challenge', c)}`, body),
    rejectLogin: (c, body) => adminCall(admin, 'PUT', `/admin/oauth2/auth/requests/login/reject${q('login_challenge', c)}`, body),
    getConsent: (c) => adminCall(admin, 'GET', `/admin/oauth2/auth/requests/consent${q('consent_challenge', c)}`),
    acceptConsent: (c, body) => adminCall(admin, 'PUT', `/admin/oauth2/auth/requests/consent/accept${q('consent_challenge', c)}`, body),
    rejectConsent: (c, body) => adminCall(admin, 'PUT', `/admin/oauth2/auth/requests/consent/reject${q('consent_challenge', c)}`, body),
  };
}

/** The challenge in a redirect to the login or consent app; throws with the hop otherwise. */
export function challengeIn(hop: Hop, name: 'login_challenge' | 'consent_challenge'): string {
  const value = hop.location ? param(hop.location, name) : null;
  if (!value) throw new Error(`expected a redirect carrying ${name}, got ${hop.status} ${hop.location} ${hop.body.slice(0, 300)}`);
  return value;
}

/** `redirect_to` of a 200 accept/reject answer; throws with the answer otherwise. */
export function redirectTo(answer: Answer): string {
  if (answer.status !== 200 || typeof answer.body.redirect_to !== 'string') throw new Error(`expected redirect_to, got ${answer.status} ${answer.text}`);
  return answer.body.redirect_to;
}

export interface FlowOptions {
  subject?: string;
  remember?: boolean;
  rememberConsent?: boolean;
  /** Default: everything requested. */
  grantScope?: string[];
  accessTokenClaims?: Record<string, unknown>;
  idTokenClaims?: Record<string, unknown>;
}

/**
 * Drives one authorization from the authorization URL to the hop that goes back to the client,
 * accepting login and consent as a login app does (respecting `skip`).
 */
export async function runFlow(browser: Browser, app: LoginApp, authorizationUrl: string | URL, opts: FlowOptions = {}): Promise<Hop> {
  const subject = opts.subject ?? 'alice';
  const toLogin = await browser.go(authorizationUrl);
  const loginChallenge = challengeIn(toLogin, 'login_challenge');
  const login = await app.getLogin(loginChallenge);
  const toConsent = await browser.go(
    redirectTo(await app.acceptLogin(loginChallenge, { subject: login.body.skip === true ? login.body.subject : subject, remember: opts.remember ?? false })),
  );
  const consentChallenge = challengeIn(toConsent, 'consent_challenge');
  const consent = await app.getConsent(consentChallenge);
  return browser.go(
    redirectTo(
      await app.acceptConsent(consentChallenge, {
        grant_scope: opts.grantScope ?? consent.body.requested_scope,
        grant_access_token_audience: consent.body.requested_access_token_audience,
        remember: opts.rememberConsent ?? false,
        session: { access_token: opts.accessTokenClaims ?? {}, id_token: opts.idTokenClaims ?? {} },
      }),
    ),
  );
}
