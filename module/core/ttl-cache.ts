/**
 * A bounded in-memory cache whose entries live for `ttlMs`, misses included (a loader's null is
 * remembered too, so a flood of unknown keys cannot reach the database). Past `maxEntries` it
 * starts over rather than grow. Each app node has its own; a change made on this node drops the
 * entries at once, and other nodes see it when theirs expire.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; expires: number }>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 100_000,
  ) {}

  async get(key: K, now: number, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
