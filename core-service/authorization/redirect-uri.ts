/**
 * Matching a requested redirect URI against a client's registered ones (RFC 6749 §3.1.2.3,
 * RFC 9700 §4.1.1): exact string comparison, with the one exception RFC 8252 §7.3 makes for
 * native apps on the loopback interface, whose port is chosen when the app starts.
 */
import { isLoopbackIp, parseUri } from '../shared/uris.js';

/**
 * RFC 8252 §7.3: "The authorization server MUST allow any port to be specified at the time of
 * the request for loopback IP redirect URIs". As fosite's isMatchingAsLoopback: http, a loopback
 * IP literal (not `localhost`, which §8.3 advises against), every other part identical.
 */
function matchesAsLoopback(requested: URL, registeredUri: string): boolean {
  const registered = parseUri(registeredUri);
  return (
    registered !== undefined &&
    requested.protocol === 'http:' &&
    registered.protocol === 'http:' &&
    isLoopbackIp(requested.hostname) &&
    registered.hostname === requested.hostname &&
    registered.username === requested.username &&
    registered.password === requested.password &&
    registered.pathname === requested.pathname &&
    registered.search === requested.search &&
    registered.hash === '' &&
    requested.hash === ''
  );
}

/**
 * The redirect URI to use when `requested` is one of `registered`: the requested string itself
 * (a loopback match keeps its port, and the token request must repeat it exactly). Undefined
 * when it matches none.
 * @example matchRedirectUri('http://127.0.0.1:53211/cb', ['http://127.0.0.1/cb']) // 'http://127.0.0.1:53211/cb'
 */
export function matchRedirectUri(requested: string, registered: readonly string[]): string | undefined {
  if (registered.includes(requested)) return requested;
  const url = parseUri(requested);
  if (url === undefined) return undefined;
  return registered.some((uri) => matchesAsLoopback(url, uri)) ? requested : undefined;
}
