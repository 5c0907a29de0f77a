/**
 * What a URI's scheme and host say about where it leads, read with the WHATWG URL parser so the
 * answer is the browser's: it strips tabs, newlines and surrounding spaces and lower-cases the
 * scheme, so `" Java\tScript:…"` is `javascript:` here as it is in an `href`. Core's client
 * rules (clients/uri-policy.ts) and the gateway's HTML sinks (http-gateway/public/pages.ts)
 * build on these, so both read a URI the same way.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** Parses an absolute URI as a browser would; undefined when it is not one. */
export function parseUri(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * RFC 8252 §7.3: a loopback IP literal (127.0.0.0/8, ::1, and IPv4-mapped 127.x), as fosite's
 * isLoopbackAddress. `hostname` is URL.hostname, so IPv6 comes in brackets.
 */
export function isLoopbackIp(hostname: string): boolean {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (isIPv4(bare)) return LOOPBACK.check(bare, 'ipv4');
  if (isIPv6(bare)) return LOOPBACK.check(bare, 'ipv6');
  return false;
}

/**
 * A host that stays on this machine: a loopback IP literal, `localhost` or a `*.localhost` name
 * (RFC 6761 §6.3; fosite's IsLocalhost, which Hydra uses to allow plain http).
 */
export function isLoopbackHost(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackIp(hostname);
}

/** RFC 3986 §3.1 scheme grammar (URL.protocol, so with the trailing colon). */
const SCHEME = /^[a-z][a-z0-9+.-]*:$/;

/**
 * RFC 8252 §7.1: a private-use URI scheme in reverse domain name form (`com.example.app:`).
 * The dot is what matters: no scheme a browser runs or reads locally (javascript:, data:,
 * vbscript:, blob:, file:, filesystem:, about:) has one.
 */
export function isPrivateUseScheme(protocol: string): boolean {
  return SCHEME.test(protocol) && protocol.includes('.') && !protocol.startsWith('.') && !protocol.endsWith('.:');
}

/**
 * The check every HTML sink and redirect makes before a URI becomes an `href`, `action`, `src`,
 * `location` or meta refresh: http(s), or with `privateUse` a private-use scheme (the redirect
 * back to a native app). Returns the URI as the browser will read it, or undefined.
 */
export function navigableUri(raw: string, opts: { privateUse: boolean }): URL | undefined {
  const url = parseUri(raw);
  if (url === undefined) return undefined;
  if (url.protocol === 'https:' || url.protocol === 'http:') return url;
  return opts.privateUse && isPrivateUseScheme(url.protocol) ? url : undefined;
}

/**
 * `url` with each of `params` set, as successive `url.searchParams.set` calls would leave it
 * (an existing name keeps its place and takes the new value), but serialised once: each `set`
 * re-serialises the whole query, so a loop of them costs the square of the parameter count.
 * @example withParameters(new URL('https://rp.example/cb?x=1'), [['code', c], ['state', s]])
 */
export function withParameters(url: URL, params: Iterable<readonly [string, string]>): URL {
  const wanted = new Map(params);
  const out: [string, string][] = [];
  const placed = new Set<string>();
  for (const [name, value] of url.searchParams) {
    const replacement = wanted.get(name);
    if (replacement === undefined) out.push([name, value]);
    else if (!placed.has(name)) {
      placed.add(name);
      out.push([name, replacement]);
    }
  }
  for (const [name, value] of wanted) if (!placed.has(name)) out.push([name, value]);
  const result = new URL(url);
  result.search = new URLSearchParams(out).toString();
  return result;
}

const FORM_SAFE = /^[A-Za-z0-9*._-]*$/;

/**
 * `href` (a URL as the URL API serialises it) with `name=value` set, the same text as
 * `url.searchParams.set(name, value)` gives, without parsing the URL and re-serialising its
 * query: the flow adds a challenge or verifier to a URL on every leg (issue 10). When the name
 * may be in the query already, or the URL has a fragment, it takes the URL API.
 * @example withParameter('https://login.example/login', 'login_challenge', sealed)
 */
export function withParameter(href: string, name: string, value: string): string {
  const query = href.indexOf('?');
  if (href.includes('#') || (query >= 0 && href.includes(name, query))) {
    const url = new URL(href);
    url.searchParams.set(name, value);
    return url.toString();
  }
  // Alphanumerics and `*-._` are what the form encoding leaves as they are (sealed values are base64url and dots).
  const pair = FORM_SAFE.test(name) && FORM_SAFE.test(value) ? `${name}=${value}` : new URLSearchParams([[name, value]]).toString();
  if (query < 0) return `${href}?${pair}`;
  // searchParams.set on a URL whose query is a bare `?` leaves `?name=value`.
  return query === href.length - 1 ? `${href}${pair}` : `${href}&${pair}`;
}
