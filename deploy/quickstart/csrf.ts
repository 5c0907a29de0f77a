/**
 * CSRF protection for the quickstart's own forms: a random secret in an HttpOnly cookie, and in
 * each form a token that is an HMAC of that secret over the form's purpose and challenge. A
 * forged POST from another site has neither the cookie's value nor a way to compute the token;
 * a token copied from one form does not fit another form or another challenge. Stateless, so it
 * survives a restart of the app and works behind any number of replicas (OWASP CSRF cheat
 * sheet, "signed double-submit cookie").
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readCookies, setCookie } from './http.js';

export interface Csrf {
  /** The token to put in a form for `purpose` (e.g. "login:<challenge>"); sets the cookie when missing. */
  issue(req: IncomingMessage, res: ServerResponse, purpose: string): string;
  /** True when the posted token fits this browser's cookie and `purpose` (constant-time compare). */
  verify(req: IncomingMessage, purpose: string, token: string | null): boolean;
}

/** The name of the hidden form field that carries the token. */
export const CSRF_FIELD = '_csrf';

function tokenFor(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(purpose, 'utf8').digest();
}

/**
 * @param cookieName distinct per app: cookies are not isolated by port, and the apps and the
 *   gateway share the host 127.0.0.1 in the quickstart.
 */
export function createCsrf(opts: { cookieName: string; secure: boolean }): Csrf {
  const { cookieName, secure } = opts;
  return {
    issue(req, res, purpose) {
      let secret = readCookies(req)[cookieName];
      if (secret === undefined || secret.length < 43) {
        secret = randomBytes(32).toString('base64url');
        setCookie(res, cookieName, secret, { secure });
      }
      return tokenFor(secret, purpose).toString('base64url');
    },
    verify(req, purpose, token) {
      const secret = readCookies(req)[cookieName];
      if (secret === undefined || token === null) return false;
      const expected = tokenFor(secret, purpose);
      const presented = Buffer.from(token, 'base64url');
      return presented.length === expected.length && timingSafeEqual(presented, expected);
    },
  };
}
