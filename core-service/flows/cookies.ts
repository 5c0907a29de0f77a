/**
 * The cookies of the browser flow, named as Hydra names them so operators' proxies and docs
 * still apply: per-client CSRF cookies for the login and consent legs, and the authentication
 * session cookie. Core decides names, values, lifetimes and every attribute (Secure, SameSite,
 * Domain and Path from serve.cookies.*, see cookiePolicy below; HttpOnly always) and writes the
 * whole Set-Cookie header value here; the gRPC edge and the gateway copy it through verbatim.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { stringifySetCookie } from 'cookie';
import type { SecretBox } from '../keys/secret-box.js';
import type { BrowserCookie } from '../oauth2/response.js';
import type { LoginSession, LoginSessionStore } from './store.js';

/** RFC 6265bis §5.4.7 SameSite values, spelled as Hydra's `serve.cookies.same_site_mode`. */
export type SameSite = 'Strict' | 'Lax' | 'None';

/** How every flow cookie is set, decided once from the configuration. */
export interface CookiePolicy {
  secure: boolean;
  sameSite: SameSite;
  /** CSRF cookies also get a twin without SameSite, for browsers that refuse SameSite=None. */
  legacyWorkaround: boolean;
  /** `serve.cookies.domain`; '' for host-only cookies. */
  domain: string;
  /** `serve.cookies.paths.session`: the Path of the authentication session cookie (CSRF cookies use /). */
  sessionPath: string;
}

/**
 * Hydra's cookie rules: `Secure` whenever the issuer is https, or `serve.cookies.secure` asks
 * for it (Hydra sets it outside dev mode; Tessera follows the issuer's scheme, as a browser on
 * http drops Secure cookies); SameSite as configured, except that `None` falls back to `Lax` on
 * an http issuer (the issuer's scheme decides, as in Hydra); the legacy workaround (web.dev
 * "SameSite cookie recipes") only matters for SameSite=None.
 */
export function cookiePolicy(input: {
  issuer: string;
  sameSiteMode: SameSite;
  sameSiteLegacyWorkaround: boolean;
  secure?: boolean;
  domain?: string;
  paths?: { session: string };
}): CookiePolicy {
  const httpsIssuer = new URL(input.issuer).protocol === 'https:';
  const sameSite: SameSite = input.sameSiteMode === 'None' && !httpsIssuer ? 'Lax' : input.sameSiteMode;
  return {
    secure: httpsIssuer || (input.secure ?? false),
    sameSite,
    legacyWorkaround: input.sameSiteLegacyWorkaround && sameSite === 'None',
    domain: input.domain ?? '',
    sessionPath: input.paths?.session ?? '/',
  };
}

// The `cookie` package's spelling of each SameSite value (it writes Hydra's back).
const SAME_SITE = { Strict: 'strict', Lax: 'lax', None: 'none' } as const;

/**
 * The Set-Cookie header value of a cookie set (or, with maxAge 0, deleted) under the policy, at
 * Path `path`; `sameSite` '' sends no SameSite attribute (only the legacy twin of a CSRF cookie).
 * @example browserCookie(policy, 'ory_hydra_session', sealed, 3600) // 'ory_hydra_session=…; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax'
 */
export function browserCookie(policy: CookiePolicy, name: string, value: string, maxAge: number, path = '/', sameSite: SameSite | '' = policy.sameSite): BrowserCookie {
  const seconds = Math.max(0, Math.trunc(maxAge));
  return stringifySetCookie(
    {
      name,
      value,
      maxAge: seconds,
      // RFC 6265 §4.1.2.3: with Domain the browser sends the cookie to subdomains too (serve.cookies.domain).
      ...(policy.domain ? { domain: policy.domain } : {}),
      path,
      // RFC 6265 §5.3: a browser that ignores Max-Age still deletes a cookie whose Expires has passed.
      ...(seconds === 0 ? { expires: new Date(0) } : {}),
      // HttpOnly always: no script of ours, or injected into a page of ours, reads a flow cookie (Hydra sets it on every one).
      httpOnly: true,
      secure: policy.secure,
      ...(sameSite ? { sameSite: SAME_SITE[sameSite] } : {}),
    },
    // Core minted every value from the cookie-octet alphabet (hex, base64url): written as is.
    { encode: (v) => v },
  );
}

/** The authentication session cookie (or, with maxAge 0, its deletion), at `serve.cookies.paths.session`. */
export function sessionCookie(policy: CookiePolicy, name: string, value: string, maxAge: number): BrowserCookie {
  return browserCookie(policy, name, value, maxAge, policy.sessionPath);
}

// Hydra's name for the twin of a CSRF cookie (consent/csrf.go).
const LEGACY_SUFFIX = '_legacy';

/** A CSRF cookie, plus its twin without SameSite when the legacy workaround is on (Hydra's setCSRFCookie). */
export function csrfCookies(policy: CookiePolicy, name: string, value: string, maxAge: number): BrowserCookie[] {
  const cookie = browserCookie(policy, name, value, maxAge);
  return policy.legacyWorkaround ? [cookie, browserCookie(policy, `${name}${LEGACY_SUFFIX}`, value, maxAge, '/', '')] : [cookie];
}

/** The CSRF value the browser presented: the cookie, else its legacy twin (Hydra's getCSRFCookie). */
export function presentedCsrf(cookies: ReadonlyMap<string, string>, name: string, policy: CookiePolicy): string | undefined {
  const value = cookies.get(name);
  if (value !== undefined && value !== '') return value;
  return policy.legacyWorkaround ? cookies.get(`${name}${LEGACY_SUFFIX}`) : value;
}

export interface CookieNames {
  loginCsrf(clientId: string): string;
  consentCsrf(clientId: string): string;
  session: string;
  /** RFC 8628 device verification: the CSRF cookie of the user-code step (Hydra's `device_csrf`, one per browser). */
  deviceCsrf: string;
}

/**
 * Hydra's names from the base names of `serve.cookies.names` (the configuration holds Hydra's
 * defaults, `ory_hydra_…`): `<login_csrf>[_dev]_<hash of client_id>`, `<consent_csrf>[_dev]_<hash>`,
 * `<session>[_dev]`, `<device_csrf>[_dev]`.
 */
export function cookieNames(dev: boolean, base: { loginCsrf: string; consentCsrf: string; session: string; deviceCsrf: string }): CookieNames {
  const suffix = dev ? '_dev' : '';
  const hash = (clientId: string) => createHash('sha256').update(clientId, 'utf8').digest('hex').slice(0, 8);
  return {
    loginCsrf: (clientId) => `${base.loginCsrf}${suffix}_${hash(clientId)}`,
    consentCsrf: (clientId) => `${base.consentCsrf}${suffix}_${hash(clientId)}`,
    session: `${base.session}${suffix}`,
    deviceCsrf: `${base.deviceCsrf}${suffix}`,
  };
}

/** Constant-time comparison of a presented CSRF cookie with the value bound into the flow. */
export function csrfMatches(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected === '') return false;
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The sid sealed in the browser's authentication session cookie, if it carries a genuine one. */
export function sessionIdFromCookie(cookies: ReadonlyMap<string, string>, deps: { cookieName: string; sessionBox: SecretBox }): string | undefined {
  const sealed = cookies.get(deps.cookieName);
  if (!sealed) return undefined;
  try {
    return deps.sessionBox.open(sealed);
  } catch {
    return undefined;
  }
}

/**
 * The still-valid login session the browser's authentication session cookie (a sealed sid)
 * points at; undefined for a missing, forged, expired or deleted session.
 */
export async function sessionFromCookie(
  cookies: ReadonlyMap<string, string>,
  deps: { cookieName: string; sessionBox: SecretBox; sessions: Pick<LoginSessionStore, 'getLoginSession'>; nowMs: number },
): Promise<LoginSession | undefined> {
  const sid = sessionIdFromCookie(cookies, deps);
  if (sid === undefined) return undefined;
  const session = await deps.sessions.getLoginSession(sid);
  return session && session.expires_at.getTime() > deps.nowMs ? session : undefined;
}
