/**
 * Which URIs a client may hold. Checked when a client is written (clients/validation.ts) and
 * again where a stored URI is used (authorization/check-redirect-uri.ts, flows/logout.ts), so a client
 * stored before these rules existed cannot send a browser anywhere they forbid.
 *
 * A browser runs `javascript:` (and reads `data:`) URIs on the page that follows them, so on
 * Tessera's own origin (the form_post page, the front-channel logout page). Only web schemes
 * are therefore accepted, and plain http only where it cannot cross a network.
 */
import { isLoopbackHost, isPrivateUseScheme, parseUri } from '../shared/uris.js';

export interface UriPolicyOptions {
  /**
   * `dev`: plain http on any host, as Hydra's `--dev` treats every redirect URI as secure
   * (hydra x.IsRedirectURISecure). Never a script or local scheme.
   */
  allowPlainHttp: boolean;
}

/** Why plain http is refused, or undefined when this http URI may be used. */
function plainHttpProblem(url: URL, opts: UriPolicyOptions): string | undefined {
  if (opts.allowPlainHttp || isLoopbackHost(url.hostname)) return undefined;
  return 'uses plain http on a host that is not loopback; use https (http is accepted only for 127.0.0.1, [::1] and localhost, RFC 8252 §7.3)';
}

/**
 * Why `uri` may not be a redirect URI of a client (undefined: it may). RFC 6749 §3.1.2: absolute,
 * no fragment. RFC 9700 §2.6 / RFC 8252 §7: https; http only on loopback (§7.3); a private-use
 * scheme in reverse domain form only for a native app, which is a public client (§7.1, §8.4).
 */
export function redirectUriProblem(uri: string, client: { public: boolean }, opts: UriPolicyOptions): string | undefined {
  const url = parseUri(uri);
  if (url === undefined) return 'is not an absolute URI';
  // Hydra refuses any '#', even an empty fragment the parser would drop.
  if (uri.includes('#')) return 'has a fragment, which a redirect URI must not have (RFC 6749 §3.1.2)';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return plainHttpProblem(url, opts);
  if (isPrivateUseScheme(url.protocol)) {
    return client.public
      ? undefined
      : `uses the private-use scheme "${url.protocol}", which only native apps registered as public clients (token_endpoint_auth_method "none") may use (RFC 8252 §7.1, §8.4)`;
  }
  return `uses the scheme "${url.protocol}"; a redirect URI must use https, http on a loopback host (RFC 8252 §7.3) or, for a native public client, a private-use scheme such as com.example.app: (RFC 8252 §7.1)`;
}

/**
 * Why `uri` may not be a post-logout redirect URI (undefined: it may). RP-Initiated Logout §3
 * sends the browser there, like a redirect URI: https or loopback http, no fragment.
 */
export function postLogoutRedirectUriProblem(uri: string, opts: UriPolicyOptions): string | undefined {
  return webUriProblem(uri, opts) ?? (uri.includes('#') ? 'has a fragment, which a redirect URI must not have (RFC 6749 §3.1.2)' : undefined);
}

/**
 * Why `uri` may not be held by any other URI field (frontchannel_logout_uri,
 * backchannel_logout_uri, jwks_uri, policy_uri, tos_uri, logo_uri, client_uri, request_uris):
 * https, or http on a loopback host. Undefined: it may. (sector_identifier_uri is https only.)
 */
export function webUriProblem(uri: string, opts: UriPolicyOptions): string | undefined {
  const url = parseUri(uri);
  if (url === undefined) return 'is not an absolute URI';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') return plainHttpProblem(url, opts);
  return `uses the scheme "${url.protocol}"; only https (or http on a loopback host) is accepted`;
}
