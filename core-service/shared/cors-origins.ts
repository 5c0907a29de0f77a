/**
 * Whether a request's `Origin` (RFC 6454 §7) matches a list of allowed origins, the two ways
 * Hydra matches them: the listener's `serve.*.cors.allowed_origins` (ory/x corsx.CheckOrigin)
 * and a client's `allowed_cors_origins` (Hydra's x/oauth2cors). Used by the gateway for the
 * listener's list and by core for a client's, so both read a pattern the same way.
 */
import { getDomain } from 'tldts';

/**
 * ory/x corsx.ClassifyOrigin: a wildcard is safe only when a registrable domain follows its
 * label (`https://*.example.com`). `https://*foo.com`, `https://*.com` or `https://www.ory.*`
 * would match hosts anyone can register, so Hydra ignores them, and so does Tessera.
 */
export function isUnboundedWildcard(pattern: string): boolean {
  const star = pattern.lastIndexOf('*');
  if (star < 0) return false;
  const dot = pattern.indexOf('.', star);
  if (dot < 0) return true;
  const base = pattern.slice(dot + 1).toLowerCase().split(':')[0] ?? '';
  // The Public Suffix List with its private section, as Go's publicsuffix package reads it.
  return getDomain(base, { allowPrivateDomains: true }) === null;
}

/**
 * A listener's `allowed_origins` (ory/x corsx.CheckOrigin): an empty list or `*` allows every
 * origin; a pattern's one `*` stands for any run of characters; otherwise the origin must be
 * equal. Case-insensitive, as rs/cors and Hydra compare.
 *
 * @example configAllowsOrigin(['https://*.example.com'], 'https://app.example.com') // true
 */
export function configAllowsOrigin(allowed: readonly string[], origin: string): boolean {
  if (allowed.length === 0) return true;
  const candidate = origin.toLowerCase();
  for (const entry of allowed) {
    if (entry === '*') return true;
    const pattern = entry.toLowerCase();
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === candidate) return true;
      continue;
    }
    if (isUnboundedWildcard(pattern)) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (candidate.length >= prefix.length + suffix.length && candidate.startsWith(prefix) && candidate.endsWith(suffix)) return true;
  }
  return false;
}

/**
 * A client's `allowed_cors_origins` (Hydra's x/oauth2cors, a glob with `.` as separator): `*`
 * allows every origin, `scheme://*` every origin of that scheme, and inside a pattern `*` stands
 * for a run of characters within one DNS label. Case-insensitive.
 *
 * @example clientAllowsOrigin(['https://*.example.com'], 'https://a.b.example.com') // false: one label only
 */
export function clientAllowsOrigin(allowed: readonly string[], origin: string): boolean {
  const candidate = origin.toLowerCase();
  for (const entry of allowed) {
    if (entry === '*') return true;
    const pattern = entry.toLowerCase();
    const [scheme, rest] = pattern.split('://', 2);
    if (rest === '*') {
      if (candidate.startsWith(`${scheme}://`)) return true;
      continue;
    }
    if (isUnboundedWildcard(pattern)) continue;
    if (labelGlob(pattern).test(candidate)) return true;
  }
  return false;
}

/** A pattern whose `*` matches within one label; everything else literal. */
function labelGlob(pattern: string): RegExp {
  const literal = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${literal.join('[^.]*')}$`);
}
