/**
 * The gateway's side of Tessera's browser cookies: forward the ones core minted (names
 * starting with a base name of `serve.cookies.names`) and write the Set-Cookie headers exactly
 * as core decided them, every attribute included (core-service/flows/cookies.ts). The gateway
 * never reads, invents or adds anything.
 */
import { parseCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SetCookie } from '../../proto/gen/tessera/v1/oauth2.js';

// RFC 6265 §4.1.1 token and cookie-octet alphabets: anything else is not a cookie core set.
const NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;

/** The request's Tessera cookies (names starting with one of `baseNames`), name → value (first occurrence wins). */
export function tesseraCookies(request: FastifyRequest, baseNames: readonly string[]): Record<string, string> {
  // RFC 6265 §5.4 parsing by the `cookie` package; values stay as sent (core minted them, and a
  // value outside the cookie-octet alphabet is not one of them).
  const parsed = parseCookie(request.headers.cookie ?? '', { decode: (value) => value });
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (baseNames.some((base) => name.startsWith(base)) && value !== undefined && VALUE.test(value)) out[name] = value;
  }
  return out;
}

/** RFC 6265 §4.1: one Set-Cookie header per cookie. */
export function serializeCookie(cookie: SetCookie): string {
  if (!NAME.test(cookie.name) || !VALUE.test(cookie.value)) throw new Error(`core sent an invalid cookie ${JSON.stringify(cookie.name)}`);
  const parts = [`${cookie.name}=${cookie.value}`, `Path=${cookie.path || '/'}`, `Max-Age=${Math.max(0, Math.trunc(cookie.max_age))}`];
  // RFC 6265 §4.1.2.3: with Domain the browser sends the cookie to subdomains too (serve.cookies.domain).
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.max_age <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (cookie.http_only) parts.push('HttpOnly');
  if (cookie.secure) parts.push('Secure');
  if (cookie.same_site) parts.push(`SameSite=${cookie.same_site}`);
  return parts.join('; ');
}

/** Adds every cookie core asked for to the reply. */
export function setCookies(reply: FastifyReply, cookies: readonly SetCookie[]): void {
  if (cookies.length > 0) void reply.header('set-cookie', cookies.map(serializeCookie));
}
