/**
 * Fetches a client's `jwks_uri` (RFC 7591 §2) with undici and caches the key set, so
 * private_key_jwt authentication costs one network round trip per client per TTL, not per
 * request. A failed fetch is not cached.
 *
 * Anyone can set off a fetch by naming the client in an assertion, so the fetch goes through
 * `clients.http` (outbound-http.ts), reads at most MAX_BYTES while streaming, and its error hint
 * says what went wrong in fixed words: never bytes of the response or an address (the details
 * go to the operator's log).
 */
import { request, type Dispatcher } from 'undici';
import type { JSONWebKeySet } from 'jose';
import { OAuthError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { PrivateAddressError, type OutboundHttp } from './outbound-http.js';

export interface JwksFetcher {
  get(uri: string): Promise<JSONWebKeySet>;
  /**
   * Fetches the set again (a kid the cached set lacks may be a key the client just added),
   * unless it was fetched less than REFRESH_COOLDOWN_MS ago: assertions with made-up kids must
   * not turn into one outbound request each.
   */
  refresh(uri: string): Promise<JSONWebKeySet>;
}

export const REFRESH_COOLDOWN_MS = 1_000;

/** The most a JWK Set document may weigh; reading stops past it. */
export const MAX_JWKS_BYTES = 512 * 1024;

/** Why a fetch failed, in words that carry nothing of the response or the network. */
type FetchFailure = 'refused' | 'unreachable' | 'status' | 'too_large' | 'not_a_jwks';

const FAILURE_HINT: Record<FetchFailure, string> = {
  refused: 'the jwks_uri points to a private or reserved address, which clients.http.disallow_private_ip_ranges forbids',
  unreachable: 'the request failed or timed out',
  status: 'the server did not answer 200 OK',
  too_large: `the document is larger than ${MAX_JWKS_BYTES} bytes`,
  not_a_jwks: 'the document is not a JSON Web Key Set',
};

class FetchError extends Error {
  constructor(
    readonly failure: FetchFailure,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'FetchError';
  }
}

type ResponseBody = Dispatcher.ResponseData['body'];

/** Stops reading a response and closes it (undici's dump with the smallest limit; errors are its own). */
async function discard(body: ResponseBody): Promise<void> {
  await body.dump({ limit: 1 }).catch(() => undefined);
}

/** The body as text, refusing (and closing the stream) as soon as it passes MAX_JWKS_BYTES. */
async function readCapped(body: ResponseBody, declaredLength: string | string[] | undefined): Promise<string> {
  if (Number(declaredLength) > MAX_JWKS_BYTES) {
    await discard(body);
    throw new FetchError('too_large', `content-length ${String(declaredLength)}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    // Leaving the loop closes the stream.
    if (size > MAX_JWKS_BYTES) break;
    chunks.push(chunk as Buffer);
  }
  if (size > MAX_JWKS_BYTES) throw new FetchError('too_large', `more than ${MAX_JWKS_BYTES} bytes`);
  return Buffer.concat(chunks).toString('utf8');
}

export function createJwksFetcher(opts: { ttlMs: number; http: OutboundHttp; logger?: Logger; timeoutMs?: number; now?: () => number }): JwksFetcher {
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 5000;
  const cache = new Map<string, { keys: JSONWebKeySet; until: number; fetchedAt: number }>();

  /** The whole fetch, body included, gets timeoutMs: a server that trickles bytes is cut off too. */
  async function download(uri: string): Promise<unknown> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    try {
      return await downloadUntil(uri, deadline.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  async function downloadUntil(uri: string, signal: AbortSignal): Promise<unknown> {
    let res;
    try {
      res = await request(uri, {
        method: 'GET',
        headers: { accept: 'application/json' },
        dispatcher: opts.http.dispatcherFor(uri),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal,
      });
    } catch (err) {
      if (err instanceof PrivateAddressError) throw new FetchError('refused', err.message);
      throw new FetchError('unreachable', err instanceof Error ? err.message : String(err));
    }
    if (res.statusCode !== 200) {
      await discard(res.body);
      throw new FetchError('status', `HTTP ${res.statusCode}`);
    }
    let text: string;
    try {
      text = await readCapped(res.body, res.headers['content-length']);
    } catch (err) {
      if (err instanceof FetchError) throw err;
      throw new FetchError('unreachable', err instanceof Error ? err.message : String(err));
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new FetchError('not_a_jwks', 'the body is not JSON');
    }
  }

  async function fetchSet(uri: string): Promise<JSONWebKeySet> {
    let body: unknown;
    try {
      body = await download(uri);
      if (!body || typeof body !== 'object' || !Array.isArray((body as { keys?: unknown }).keys)) throw new FetchError('not_a_jwks', 'no "keys" array');
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      opts.logger?.warn({ jwks_uri: uri, reason: err.failure, detail: err.detail }, 'fetching a client jwks_uri failed');
      throw new OAuthError('invalid_client', { hint: `Unable to fetch the client's JSON Web Key Set from its jwks_uri: ${FAILURE_HINT[err.failure]}.` });
    }
    return body as JSONWebKeySet;
  }

  async function get(uri: string): Promise<JSONWebKeySet> {
    const hit = cache.get(uri);
    if (hit && hit.until > now()) return hit.keys;
    const keys = await fetchSet(uri);
    cache.set(uri, { keys, until: now() + opts.ttlMs, fetchedAt: now() });
    return keys;
  }

  return {
    get,
    async refresh(uri) {
      const hit = cache.get(uri);
      if (hit && now() - hit.fetchedAt < REFRESH_COOLDOWN_MS) return hit.keys;
      cache.delete(uri);
      return get(uri);
    },
  };
}
