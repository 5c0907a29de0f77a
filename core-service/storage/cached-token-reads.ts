/**
 * A read-through cache of live access and refresh token rows for the lookups behind
 * introspection, userinfo and revocation (issue 11). A token row never changes except to be
 * deactivated (revocation, rotation, reuse detection, consent revocation) or deleted with its
 * client; each of those publishes its grant or client on the change feed, which drops every
 * cached row of it, on this replica before the call returns and on others within the feed's
 * bound. Expiry is not cached: the caller checks `expires_at` on every hit (tokens/lookup.ts
 * isLive). Codes and inactive rows are never cached; they are not read often enough to matter.
 */
import type { TokenRecord, TokenStore } from '../tokens/store.js';
import type { ChangeFeed } from './change-feed.js';
import { ReadThroughCache, type CacheOptions } from './read-through-cache.js';

export function cachedTokenReads(store: Pick<TokenStore, 'get'>, feed: ChangeFeed, options: CacheOptions): Pick<TokenStore, 'get'> {
  const cache = new ReadThroughCache<TokenRecord>(feed, options, (change, invalidate) => {
    if (change.topic === 'grant') invalidate.tag(`g:${change.requestId}`);
    else invalidate.tag(`c:${change.clientId}`);
  });
  const tagsOf = (record: TokenRecord) => (record.active && record.kind !== 'authorization_code' ? [`g:${record.request_id}`, `c:${record.client_id}`] : undefined);
  return {
    get: (signature) => cache.read(signature, () => store.get(signature), tagsOf),
  };
}
