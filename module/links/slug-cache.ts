import type { Knex } from 'knex';
import { T } from '../db/tables';
import { SLUG_PATTERN } from './vanity-slug';
import { TtlCache } from '../core/ttl-cache';

/**
 * Which agent an approved vanity slug names, kept in memory so that /go/<slug> costs no query, the
 * way AgentLinkCache does for /aff.php. Unknown slugs are remembered too (as null), so a flood of
 * made-up slugs cannot reach the database; and what could never be a slug is refused unread.
 * Entries live for `ttlMs`; an approval or change made on this node drops them at once.
 */
export class SlugCache {
  private readonly cache: TtlCache<string, number | null>;

  constructor(
    private readonly db: Knex,
    ttlMs = 30_000,
    maxEntries = 100_000,
  ) {
    this.cache = new TtlCache(ttlMs, maxEntries);
  }

  async lookup(slug: string, now = Date.now()): Promise<number | null> {
    if (!SLUG_PATTERN.test(slug)) return null;
    return this.cache.get(slug, now, async () => {
      const row = await this.db(T.agents).where({ slug, slug_status: 'approved' }).first('id');
      return row ? Number(row.id) : null;
    });
  }

  invalidate(...slugs: (string | null)[]): void {
    for (const s of slugs) if (s) this.cache.delete(s);
  }
}
