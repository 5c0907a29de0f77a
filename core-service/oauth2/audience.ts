/**
 * Hydra's `audience` rule: a client may only ask for (and be granted) audiences it registered.
 * The authorization request, the consent, the client credentials, device and JWT-bearer grants,
 * and every refresh check it the same way; each caller words its own error, as Hydra does.
 *
 * Matching is fosite's DefaultAudienceMatchingStrategy, which Hydra hard-codes: audiences are
 * URLs, and a requested one is allowed when a registered one has the same scheme and host and
 * the same path or a parent of it on a segment boundary. So registering
 * `https://api.example/v1` allows `https://api.example/v1/orders` but not
 * `https://api.example/v10` nor `https://api.example/`. A value without a scheme (`my-api`)
 * is all path, so it matches itself and its `my-api/…` sub-paths.
 */

interface AudienceUrl {
  scheme: string;
  host: string;
  path: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Scheme, host and path of an audience, or undefined when it is not a URL (fosite then refuses
 * the request). WHATWG URL parsing where there is a scheme; hosts compare in lower case and
 * dot segments are resolved, so two spellings of one URL are one audience.
 */
function parseAudience(value: string): AudienceUrl | undefined {
  if (CONTROL.test(value)) return undefined;
  if (SCHEME.test(value)) {
    if (!URL.canParse(value)) return undefined;
    const url = new URL(value);
    return { scheme: url.protocol.slice(0, -1), host: url.host, path: url.pathname };
  }
  // Go's url.Parse of a relative reference: no scheme, no host; a leading ':' is its error.
  if (value.startsWith(':')) return undefined;
  return { scheme: '', host: '', path: value.split(/[?#]/, 1)[0] ?? '' };
}

function allows(registered: AudienceUrl, requested: AudienceUrl): boolean {
  if (requested.scheme !== registered.scheme || requested.host !== registered.host) return false;
  const parent = registered.path.replace(/\/+$/, '');
  if (requested.path === registered.path || requested.path === parent) return true;
  // A sub-path: the registered path, then a '/' (fosite's TrimRight(nu.Path[:len+1], "/")+"/").
  return requested.path.length > parent.length && requested.path.startsWith(parent) && requested.path[parent.length] === '/';
}

/** Whether the client's registered `allowed` audiences allow `requested` (see above). */
export function audienceAllowed(allowed: readonly string[], requested: string): boolean {
  const wanted = parseAudience(requested);
  if (wanted === undefined) return false;
  for (const entry of allowed) {
    const registered = parseAudience(entry);
    if (registered !== undefined && allows(registered, wanted)) return true;
  }
  return false;
}

/** The values of `requested` that the client's registered `allowed` audiences do not allow. */
export function foreignAudiences(allowed: readonly string[], requested: readonly string[]): string[] {
  return requested.filter((audience) => !audienceAllowed(allowed, audience));
}
