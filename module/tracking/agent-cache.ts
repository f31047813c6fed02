import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Changes } from '../core/changes';
import { LoadingCache, type CacheLimits } from '../core/loading-cache';
import { num, numberOrNull, rowOrNull, text } from '../db/columns';

export interface LinkTarget {
  agentId: number;
  cookieDays: number;
  /** The program keeps the first agent's cookie while it lives, instead of the last one's. */
  firstClick: boolean;
}

/**
 * What the redirect needs to know about an agent id, kept in memory so that a click on a known
 * link costs no query. Agent ids are given in increasing order and agents are never deleted, so
 * the cache also keeps the highest id there is: an id above it (made up, /aff.php?aff=<random>)
 * is answered null with no query, and only ids up to it (agents, blocked ones included, and the
 * few numbers a failed insert skipped) are read, each once per TTL, misses kept as null.
 * Concurrent clicks on one id share one query. A new agent, a block or a reactivation on this
 * node, or a program loaded, takes effect here at once; other nodes see it within a second (when the
 * app gives its limits a version: see CacheVersion).
 */
export class AgentLinkCache {
  private readonly targets: LoadingCache<number, LinkTarget>;
  private readonly highest: LoadingCache<'id', number>;

  constructor(db: Knex, changes: Changes, clock: Clock, limits: CacheLimits = {}) {
    this.targets = new LoadingCache(
      async (agentId) => {
        const row = rowOrNull(
          await db(T.agents)
            .join(T.programs, `${T.programs}.id`, `${T.agents}.program_id`)
            .where(`${T.agents}.id`, agentId)
            .where(`${T.agents}.status`, 'active')
            .first(`${T.agents}.id as id`, `${T.programs}.cookie_days as cookie_days`, `${T.programs}.attribution as attribution`),
        );
        return row ? { agentId: num(row.id), cookieDays: num(row.cookie_days), firstClick: text(row.attribution) === 'first_click' } : null;
      },
      clock,
      limits,
    );
    this.highest = new LoadingCache(async () => numberOrNull(rowOrNull(await db(T.agents).max('id as id').first())?.id) ?? 0, clock, { ttlMs: limits.ttlMs, maxEntries: 1, version: limits.version });
    changes.on('agent', (agentId) => {
      this.targets.delete(agentId);
      this.highest.clear();
    });
    // Which agents a program has is not kept here; loads are rare enough to start over.
    changes.on('program', () => this.targets.clear());
  }

  async lookup(agentId: number): Promise<LinkTarget | null> {
    if (agentId > ((await this.highest.get('id')) ?? 0)) return null;
    return this.targets.get(agentId);
  }
}
