/**
 * A read-through cache of client rows in front of the SQL ClientStore (issue 11): every token
 * request authenticates its client, and a login reads the same client several times. Entries
 * are dropped when the change feed (storage/change-feed.ts) reports the client changed, on this
 * replica at once and on others within the feed's bound (STALE_AFTER_MS); while the feed is not
 * current every read goes to the database. A missing client is never cached, so a client created
 * on another replica is found at once.
 */
import type { StoredClient } from '../clients/client.js';
import type { ClientPageQuery, ClientStore } from '../clients/store.js';
import type { ChangeFeed } from './change-feed.js';
import { ReadThroughCache, type CacheOptions } from './read-through-cache.js';

export class CachedClientStore implements ClientStore {
  private readonly cache: ReadThroughCache<StoredClient>;

  constructor(
    private readonly inner: ClientStore,
    feed: ChangeFeed,
    options: CacheOptions,
  ) {
    this.cache = new ReadThroughCache(feed, options, (change, invalidate) => {
      if (change.topic === 'client') invalidate.key(change.clientId);
    });
  }

  async get(clientId: string): Promise<StoredClient | undefined> {
    const client = await this.cache.read(clientId, () => this.inner.get(clientId), () => []);
    // A copy: callers build on the row, and the cached one must stay as stored.
    return client && { ...client };
  }

  create(client: StoredClient): Promise<void> {
    return this.inner.create(client);
  }

  list(query: ClientPageQuery): Promise<StoredClient[]> {
    return this.inner.list(query);
  }

  update(client: StoredClient, registrationToken?: string): Promise<boolean> {
    return this.inner.update(client, registrationToken);
  }

  delete(clientId: string): Promise<boolean> {
    return this.inner.delete(clientId);
  }
}
