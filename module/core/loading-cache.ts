import { LRUCache } from 'lru-cache';
import type { Clock } from './clock';

/** What a load that found nothing leaves: lru-cache holds no null, and a miss is worth keeping. */
const NOTHING = Symbol('nothing');

export interface CacheLimits {
  ttlMs?: number;
  maxEntries?: number;
  /** A version shared by every node (module/db/cache-version.ts): when it moves, the cache starts over. */
  version?: { current(): Promise<number | null> };
}

/**
 * A bounded in-memory cache in front of a loader (lru-cache): at most `maxEntries` keys, the
 * least recently used going first; each kept for `ttlMs` on the given clock, misses (null)
 * included. Concurrent gets of one key share one load. Each app node has its own: a change
 * published on this node drops the key at once (see Changes); other nodes see it when the shared
 * `version` moves (within a second), or without one within the TTL.
 * Keys and values are never nullish: lru-cache takes neither.
 */
export class LoadingCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>> {
  private readonly lru: LRUCache<K, V | typeof NOTHING>;
  private readonly version: CacheLimits['version'];
  private seenVersion: number | null = null;

  constructor(load: (key: K) => Promise<V | null>, clock: Clock, { ttlMs = 30_000, maxEntries = 100_000, version }: CacheLimits = {}) {
    this.version = version;
    this.lru = new LRUCache<K, V | typeof NOTHING>({
      max: maxEntries,
      ttl: ttlMs,
      // The clock is read on every check: a test's clock jumps, and lru-cache would otherwise
      // keep one reading for a millisecond of real time.
      ttlResolution: 0,
      perf: clock,
      fetchMethod: async (key) => (await load(key)) ?? NOTHING,
      // A load overtaken by delete() or clear() gives undefined instead of throwing; get() then
      // loads again, since what it read may predate the change.
      allowStaleOnFetchAbort: true,
    });
  }

  async get(key: K): Promise<V | null> {
    if (this.version) {
      const v = await this.version.current();
      if (v !== this.seenVersion) {
        if (this.seenVersion !== null) this.lru.clear();
        this.seenVersion = v;
      }
    }
    for (;;) {
      // get() first drops an expired entry, so that an overtaken load has no stale value to give.
      const stored = this.lru.get(key) ?? (await this.lru.fetch(key));
      if (stored !== undefined) return stored === NOTHING ? null : stored;
    }
  }

  delete(key: K): void {
    this.lru.delete(key);
  }

  clear(): void {
    this.lru.clear();
  }
}
