import { LRUCache } from 'lru-cache';
import type { Clock } from '../core/clock';

export const OFFERS_PER_HOUR = 20;
const HOUR_MS = 3_600_000;

/**
 * At most OFFERS_PER_HOUR distinct agents' offer pages per client in any hour, so that a client
 * cannot step through affid=1,2,3… to list the agents. Counted in memory on each app node: with
 * several nodes a client may see up to that many per node, which still stops a listing. Every
 * well-formed affid counts, known or not, or the 404s would tell which agents exist for free.
 */
export class OfferRateLimit {
  // client id → agent id → when the client first opened that agent's offer within the hour.
  // Bounded: the least recently seen clients go first, and their count starts again.
  private readonly seen = new LRUCache<number, Map<string, number>>({ max: 10_000 });

  constructor(private readonly clock: Clock) {}

  /** Whether the client may open this agent's offer now; an agent already seen this hour always may. */
  allow(clientId: number, affid: string): boolean {
    const now = this.clock.now();
    const mine = this.seen.get(clientId) ?? new Map<string, number>();
    for (const [id, at] of mine) if (now - at >= HOUR_MS) mine.delete(id);
    this.seen.set(clientId, mine);
    if (mine.has(affid)) return true;
    if (mine.size >= OFFERS_PER_HOUR) return false;
    mine.set(affid, now);
    return true;
  }
}
