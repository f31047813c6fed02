import type { Knex } from 'knex';
import { T } from '../db/tables';

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
  private readonly entries = new Map<number, { value: LinkTarget | null; expires: number }>();

  constructor(
    private readonly db: Knex,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 100_000,
  ) {}

  async lookup(agentId: number, now = Date.now()): Promise<LinkTarget | null> {
    const hit = this.entries.get(agentId);
    if (hit && hit.expires > now) return hit.value;
    const row = await this.db(T.agents)
      .join(T.programs, `${T.programs}.id`, `${T.agents}.program_id`)
      .where(`${T.agents}.id`, agentId)
      .where(`${T.agents}.status`, 'active')
      .first(`${T.agents}.id as id`, `${T.programs}.cookie_days as cookie_days`, `${T.programs}.attribution as attribution`);
    const value = row ? { agentId: Number(row.id), cookieDays: Number(row.cookie_days), firstClick: row.attribution === 'first_click' } : null;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(agentId, { value, expires: now + this.ttlMs });
    return value;
  }

  invalidate(agentId?: number): void {
    if (agentId === undefined) this.entries.clear();
    else this.entries.delete(agentId);
  }
}
