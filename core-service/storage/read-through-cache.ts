/**
 * The cache under CachedClientStore and CachedTokenReads: entries by key, each with tags (the
 * grant or client a token belongs to) so one change drops every entry it touches. Safe across
 * replicas because it trusts nothing the change feed cannot vouch for:
 * - a hit is served only while the feed is current (storage/change-feed.ts, STALE_AFTER_MS);
 * - a row read from the database is kept only if no change arrived while it was being read,
 *   so a read that raced a revocation never caches the row as it was before;
 * - "all" (changes may have been missed) empties the cache;
 * - every entry also expires after `maxAgeMs`, a backstop for changes made outside core.
 */
import type { Change, ChangeFeed } from './change-feed.js';

export interface CacheOptions {
  /** At most this many entries; the oldest go first. */
  maxEntries: number;
  maxAgeMs: number;
  /** Each read's outcome, for the hit-ratio metric. */
  onLookup?: (result: 'hit' | 'miss' | 'bypass') => void;
}

/** What a change drops: entries by key, or every entry carrying a tag. */
export interface Invalidate {
  key(key: string): void;
  tag(tag: string): void;
}

interface Entry<V> {
  value: V;
  at: number;
  tags: readonly string[];
}

export class ReadThroughCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly byTag = new Map<string, Set<string>>();
  /** Bumped by every change received; a read that saw it move does not cache what it read. */
  private generation = 0;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly options: CacheOptions,
    route: (change: Change, invalidate: Invalidate) => void,
  ) {
    const invalidate: Invalidate = { key: (key) => this.drop(key), tag: (tag) => this.dropTag(tag) };
    feed.subscribe((change) => {
      this.generation += 1;
      if (change === 'all') {
        this.entries.clear();
        this.byTag.clear();
      } else {
        route(change, invalidate);
      }
    });
  }

  /**
   * The cached value of `key`, or `load()`'s, kept when `tagsOf` returns tags (undefined:
   * do not cache this value). Nothing is cached for a missing value.
   */
  async read(key: string, load: () => Promise<V | undefined>, tagsOf: (value: V) => readonly string[] | undefined): Promise<V | undefined> {
    const current = this.feed.current();
    if (current) {
      const entry = this.entries.get(key);
      if (entry && performance.now() - entry.at < this.options.maxAgeMs) {
        this.options.onLookup?.('hit');
        return entry.value;
      }
    }
    this.options.onLookup?.(current ? 'miss' : 'bypass');
    const generation = this.generation;
    const value = await load();
    if (value === undefined || !current || generation !== this.generation || !this.feed.current()) return value;
    const tags = tagsOf(value);
    if (tags !== undefined) this.store(key, value, tags);
    return value;
  }

  private store(key: string, value: V, tags: readonly string[]): void {
    this.drop(key);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.drop(oldest.value);
    }
    this.entries.set(key, { value, at: performance.now(), tags });
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }

  private dropTag(tag: string): void {
    for (const key of [...(this.byTag.get(tag) ?? [])]) this.drop(key);
  }
}
