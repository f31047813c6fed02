import type { Knex } from 'knex';
import { T } from '../db/tables';
import { TtlCache } from '../core/ttl-cache';

/**
 * Which agent a short link's key names (a vanity slug, a referral code), kept in memory so that
 * the link costs no query, the way AgentLinkCache does for /aff.php. Unknown keys are remembered
 * too (as null), so a flood of made-up ones cannot reach the database; and what could never be a
 * key (`normalise` says null) is refused unread. Entries live for `ttlMs`; a change made on this
 * node drops them at once.
 */
export class AgentKeyCache {
  private readonly cache: TtlCache<string, number | null>;

  constructor(
    private readonly db: Knex,
    private readonly column: 'slug' | 'referral_code',
    private readonly normalise: (raw: string) => string | null,
    /** Further conditions a row must meet to be followed (an approved slug). */
    private readonly where: Record<string, string> = {},
    ttlMs = 30_000,
    maxEntries = 100_000,
  ) {
    this.cache = new TtlCache(ttlMs, maxEntries);
  }

  async lookup(raw: string, now = Date.now()): Promise<number | null> {
    const key = this.normalise(raw);
    if (key === null) return null;
    return this.cache.get(key, now, async () => {
      const row = await this.db(T.agents).where({ [this.column]: key, ...this.where }).first('id');
      return row ? Number(row.id) : null;
    });
  }

  invalidate(...keys: (string | null)[]): void {
    for (const k of keys) if (k) this.cache.delete(k);
  }
}
