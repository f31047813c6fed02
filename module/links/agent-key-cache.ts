import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { LoadingCache, type CacheLimits } from '../core/loading-cache';
import { num, rowOrNull } from '../db/columns';

/**
 * Which agent a short link's key names (a vanity slug, a referral code), kept in memory so that
 * a link followed again costs no query. What could never be a key (`normalise` says null) is
 * refused unread. A key that names no one costs one indexed query, then is remembered (as null)
 * for the TTL like any other; concurrent clicks on one key share that query. Made-up keys that
 * differ each cost theirs: unlike agent ids (see AgentLinkCache), keys have no bound to check
 * against, and keeping every key of every agent in memory would cost more than it saves.
 */
export class AgentKeyCache {
  private readonly cache: LoadingCache<string, number>;

  constructor(
    db: Knex,
    clock: Clock,
    column: 'slug' | 'referral_code',
    private readonly normalise: (raw: string) => string | null,
    /** Further conditions a row must meet to be followed (an approved slug). */
    where: Record<string, string>,
    limits: CacheLimits = {},
  ) {
    this.cache = new LoadingCache(
      async (key) => {
        const row = rowOrNull(
          await db(T.agents)
            .where({ [column]: key, ...where })
            .first('id'),
        );
        return row ? num(row.id) : null;
      },
      clock,
      limits,
    );
  }

  lookup(raw: string): Promise<number | null> {
    const key = this.normalise(raw);
    return key === null ? Promise.resolve(null) : this.cache.get(key);
  }

  protected forget(key: string): void {
    this.cache.delete(key);
  }
}
