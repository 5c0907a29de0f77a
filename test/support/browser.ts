/**
 * A minimal browser for flow tests: one cookie jar for the gateway, redirects NOT followed so
 * each hop can be inspected (undici as the HTTP client).
 */
import { request } from 'undici';

export interface Hop {
  status: number;
  /** The Location header ('' when none). */
  location: string;
  setCookies: string[];
  contentType: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export class Browser {
  /** name → value of every cookie the gateway set and did not delete. */
  readonly cookies = new Map<string, string>();

  /**
   * @param hosts origin → origin to reach it at, as /etc/hosts would (the issuer's public URL
   *   is a fixed name in tests while the gateway listens on an ephemeral port).
   */
  constructor(private readonly hosts: Record<string, string> = {}) {}

  /** GET (or POST a form to) `url`, sending and storing cookies. */
  async go(target: string | URL, form?: Record<string, string>): Promise<Hop> {
    const url = new URL(target);
    const mapped = this.hosts[url.origin];
    if (mapped !== undefined) {
      const to = new URL(mapped);
      url.protocol = to.protocol;
      url.host = to.host;
    }
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await request(url, { method: form ? 'POST' : 'GET', headers, body: form ? new URLSearchParams(form).toString() : undefined });
    const body = await res.body.text();
    const raw = res.headers['set-cookie'];
    const setCookies = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const deleted = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (deleted) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
    const location = res.headers.location;
    return { status: res.statusCode, location: typeof location === 'string' ? location : '', setCookies, contentType: String(res.headers['content-type'] ?? ''), body, headers: res.headers };
  }
}

/** A parameter of a redirect URL: query first, then fragment. */
export function param(url: string, name: string): string | null {
  const parsed = new URL(url);
  return parsed.searchParams.get(name) ?? new URLSearchParams(parsed.hash.slice(1)).get(name);
}
