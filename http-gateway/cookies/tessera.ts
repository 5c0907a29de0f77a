/**
 * The gateway's side of Tessera's browser cookies: forward the ones core minted (names
 * starting with a base name of `serve.cookies.names`) and copy through the Set-Cookie header
 * values core wrote (core-service/flows/cookies.ts decides every name, value and attribute).
 * The gateway never reads, invents or adds anything.
 */
import { parseCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

// RFC 6265 §4.1.1 cookie-octet alphabet: a value outside it is not one core set.
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

/** RFC 6265 §4.1: one Set-Cookie header per value core wrote, each sent verbatim. */
export function setCookies(reply: FastifyReply, setCookieValues: readonly string[]): void {
  if (setCookieValues.length > 0) void reply.header('set-cookie', [...setCookieValues]);
}
