/**
 * Fetches a client's `jwks_uri` (RFC 7591 §2) with undici and caches the key set, so
 * private_key_jwt authentication costs one network round trip per client per TTL, not per
 * request. A failed fetch is not cached.
 */
import { request } from 'undici';
import type { JSONWebKeySet } from 'jose';
import { OAuthError } from '../shared/errors.js';

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

const MAX_BYTES = 512 * 1024;

export function createJwksFetcher(opts: { ttlMs: number; timeoutMs?: number; now?: () => number }): JwksFetcher {
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { keys: JSONWebKeySet; until: number; fetchedAt: number }>();

  async function fetchSet(uri: string): Promise<JSONWebKeySet> {
    const fail = (why: string) =>
      new OAuthError('invalid_client', { hint: `Unable to fetch the client's JSON Web Key Set from jwks_uri: ${why}.` });
    let body: unknown;
    try {
      const res = await request(uri, {
        method: 'GET',
        headers: { accept: 'application/json' },
        headersTimeout: opts.timeoutMs ?? 5000,
        bodyTimeout: opts.timeoutMs ?? 5000,
      });
      if (res.statusCode !== 200) {
        await res.body.dump();
        throw fail(`HTTP ${res.statusCode}`);
      }
      const text = await res.body.text();
      if (text.length > MAX_BYTES) throw fail('the document is too large');
      body = JSON.parse(text);
    } catch (err) {
      if (err instanceof OAuthError) throw err;
      throw fail(err instanceof Error ? err.message : 'request failed');
    }
    if (!body || typeof body !== 'object' || !Array.isArray((body as { keys?: unknown }).keys)) {
      throw fail('the document is not a JWKS');
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
