/** The click a repeat is folded into: its cookie is handed out again, so the referral names a stored click. */
export interface CountedClick {
  uid: string;
  clickedAt: number;
  source: string;
}

export const DEDUPE_WINDOW_MS = 3_600_000;

interface Entry extends CountedClick {
  key: string;
  expires: number;
}

/**
 * Repeated clicks from one visitor on one agent's link within an hour count once. A visitor is
 * their live referral cookie for that agent, or their IP and user agent when they carry none.
 *
 * Kept in memory, so the redirect never reads the database for it; each app node keeps its own,
 * so behind a load balancer without sticky sessions a repeat may count once per node. Entries
 * all live for the same window, so a queue in insertion order is also in expiry order: expired
 * ones are dropped from its head as new ones come, and past `maxEntries` (a flood of distinct
 * visitors) the oldest go early, which at worst counts a repeat twice. The queue, not the map, is
 * walked: a Map walked from its start after many deletes crawls over their holes.
 */
export class ClickDedupe {
  private readonly seen = new Map<string, Entry>();
  private queue: (Entry | undefined)[] = [];
  private head = 0;

  constructor(
    readonly windowMs = DEDUPE_WINDOW_MS,
    private readonly maxEntries = 100_000,
  ) {}

  /** The key for a visitor that carries a live referral cookie for this agent. */
  static cookieKey(agentId: number, clickUid: string): string {
    return `${agentId}c${clickUid}`;
  }

  /**
   * The key for a visitor without one. Not hashed: hashing cost more per click than the memory
   * it saves, and the IP and user agent are already cut to 45 and 255 characters, so the map
   * stays under about 30 MB at its `maxEntries`.
   */
  static addressKey(agentId: number, ip: string, userAgent: string): string {
    return `${agentId}a${ip}\n${userAgent}`;
  }

  /** The click this visitor's repeat folds into, or undefined when it counts. */
  find(key: string, now: number): CountedClick | undefined {
    const hit = this.seen.get(key);
    return hit && hit.expires > now ? hit : undefined;
  }

  remember(key: string, click: CountedClick, now: number): void {
    this.prune(now);
    const entry: Entry = { uid: click.uid, clickedAt: click.clickedAt, source: click.source, key, expires: now + this.windowMs };
    this.seen.set(key, entry);
    this.queue.push(entry);
  }

  size(): number {
    return this.seen.size;
  }

  private prune(now: number): void {
    while (this.head < this.queue.length) {
      const oldest = this.queue[this.head];
      if (!oldest) throw new Error(`click dedupe: no entry at the queue's head ${this.head}; only slots behind the head are cleared`);
      if (oldest.expires > now && this.seen.size < this.maxEntries && this.queue.length - this.head < 2 * this.maxEntries) break;
      // A key remembered again has a newer entry in the map: leave that one.
      if (this.seen.get(oldest.key) === oldest) this.seen.delete(oldest.key);
      this.queue[this.head++] = undefined;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
