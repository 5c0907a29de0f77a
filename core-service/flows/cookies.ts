/**
 * The cookies of the browser flow, named as Hydra names them so operators' proxies and docs
 * still apply: per-client CSRF cookies for the login and consent legs, and the authentication
 * session cookie. Core decides names and values; the gateway only sets what it is told.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../keys/secret-box.js';
import type { LoginSession, LoginSessionStore } from './store.js';

/** A cookie for the gateway to set (max_age 0 deletes it). */
export interface BrowserCookie {
  name: string;
  value: string;
  /** Seconds; 0 deletes the cookie. */
  max_age: number;
  secure: boolean;
}

export interface CookieNames {
  loginCsrf(clientId: string): string;
  consentCsrf(clientId: string): string;
  session: string;
  /** Whether a cookie name is one of ours (the gateway forwards only these). */
  isOurs(name: string): boolean;
}

/** Every Tessera cookie starts with this (Hydra's prefix). */
export const COOKIE_PREFIX = 'ory_hydra_';

/**
 * Hydra's names: `ory_hydra_login_csrf[_dev]_<hash of client_id>`, `ory_hydra_consent_csrf…`,
 * `ory_hydra_session[_dev]`.
 */
export function cookieNames(dev: boolean): CookieNames {
  const suffix = dev ? '_dev' : '';
  const hash = (clientId: string) => createHash('sha256').update(clientId, 'utf8').digest('hex').slice(0, 8);
  return {
    loginCsrf: (clientId) => `${COOKIE_PREFIX}login_csrf${suffix}_${hash(clientId)}`,
    consentCsrf: (clientId) => `${COOKIE_PREFIX}consent_csrf${suffix}_${hash(clientId)}`,
    session: `${COOKIE_PREFIX}session${suffix}`,
    isOurs: (name) => name.startsWith(COOKIE_PREFIX),
  };
}

/** Constant-time comparison of a presented CSRF cookie with the value bound into the flow. */
export function csrfMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected === '') return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The still-valid login session the browser's authentication session cookie (a sealed sid)
 * points at; undefined for a missing, forged, expired or deleted session.
 */
export async function sessionFromCookie(
  cookies: ReadonlyMap<string, string>,
  deps: { cookieName: string; sessionBox: SecretBox; sessions: Pick<LoginSessionStore, 'getLoginSession'>; nowMs: number },
): Promise<LoginSession | undefined> {
  const sealed = cookies.get(deps.cookieName);
  if (!sealed) return undefined;
  let sid: string;
  try {
    sid = deps.sessionBox.open(sealed);
  } catch {
    return undefined;
  }
  const session = await deps.sessions.getLoginSession(sid);
  return session && session.expires_at.getTime() > deps.nowMs ? session : undefined;
}
