import type { Knex } from 'knex';
import { T } from '../db/tables';
import { TtlCache } from '../core/ttl-cache';

export interface LinkTarget {
  agentId: number;
  cookieDays: number;
  /** The program keeps the first agent's cookie while it lives, instead of the last one's. */
  firstClick: boolean;
}

/**
 * What the redirect needs to know about an agent id, kept in memory so that a click costs no
 * query. Unknown ids are remembered too (as null), so that a flood of bad ids cannot reach the
 * database. Entries live for `ttlMs`, and an admin's change drops them at once on this node.
 */
export class AgentLinkCache {
  private readonly cache: TtlCache<number, LinkTarget | null>;

  constructor(
    private readonly db: Knex,
    ttlMs = 30_000,
    maxEntries = 100_000,
  ) {
    this.cache = new TtlCache(ttlMs, maxEntries);
  }

  lookup(agentId: number, now = Date.now()): Promise<LinkTarget | null> {
    return this.cache.get(agentId, now, async () => {
      const row = await this.db(T.agents)
        .join(T.programs, `${T.programs}.id`, `${T.agents}.program_id`)
        .where(`${T.agents}.id`, agentId)
        .where(`${T.agents}.status`, 'active')
        .first(`${T.agents}.id as id`, `${T.programs}.cookie_days as cookie_days`, `${T.programs}.attribution as attribution`);
      return row ? { agentId: Number(row.id), cookieDays: Number(row.cookie_days), firstClick: row.attribution === 'first_click' } : null;
    });
  }

  invalidate(agentId?: number): void {
    if (agentId === undefined) this.cache.clear();
    else this.cache.delete(agentId);
  }
}
