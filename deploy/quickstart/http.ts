/**
 * The few HTTP helpers the quickstart apps need on top of node:http: form bodies, cookies,
 * HTML responses with protective headers, and See Other redirects.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseCookie, stringifySetCookie } from 'cookie';

/** Form bodies above this size are refused: the quickstart forms are a few hundred bytes. */
const MAX_FORM_BYTES = 64 * 1024;

/** A request the app refuses with a status and a message for the person at the browser. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads an `application/x-www-form-urlencoded` body (what an HTML form posts). */
export async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new HttpError(415, 'Expected an HTML form submission.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_FORM_BYTES) throw new HttpError(413, 'The form submission is too large.');
    chunks.push(buf);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The request's cookies by name (RFC 6265 parsing by the `cookie` package). */
export function readCookies(req: IncomingMessage): Record<string, string | undefined> {
  return parseCookie(req.headers.cookie ?? '');
}

/**
 * Adds a Set-Cookie header: HttpOnly and SameSite=Lax always (the value is never for scripts,
 * and Lax keeps it off cross-site POSTs), Secure when the app is served over HTTPS.
 */
export function setCookie(res: ServerResponse, name: string, value: string, opts: { secure: boolean; maxAge?: number }): void {
  const header = stringifySetCookie({ name, value, path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secure, maxAge: opts.maxAge });
  const existing = res.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : typeof existing === 'string' ? [existing] : [];
  res.setHeader('set-cookie', [...list, header]);
}

/**
 * Sends an HTML page. The headers keep it out of frames (clickjacking on a consent page is a
 * classic, RFC 6819 §4.4.1.9), keep challenges in the URL from leaking through Referer, allow
 * only inline styles and images, and keep it out of caches (it carries per-user tokens).
 */
export function sendHtml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data: http: https:; frame-ancestors 'none'; base-uri 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

/** 303 See Other: after a POST the browser follows with a GET (RFC 9110 §15.4.4). */
export function redirect(res: ServerResponse, location: string, status: 302 | 303 = 303): void {
  res.writeHead(status, { location, 'cache-control': 'no-store' });
  res.end();
}

/** Listens on host:port (0 picks a free port) and returns the base URL with the real port. */
export async function listen(server: Server, host: string, port: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return `http://${shownHost}:${address.port}`;
}

/** Closes a server and any idle keep-alive connections so `close()` does not wait for browsers. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** True when this module file is the program node was started with (`tsx file.ts`). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  return moduleUrl === pathToFileURL(resolve(entry)).href;
}
