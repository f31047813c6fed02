import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, text } from '../db/columns';
import { MAX_SOURCES } from './source-stats';

/**
 * The sources of an agent's links, busiest first, for a filter's choices (the Commissions page):
 * read from the daily roll-ups, a row per source and day, so that the cost does not grow with the
 * agent's clicks (sourceStats counts them one by one: 8 ms for 100,000 on SQLite). A source seen
 * only on a sign-up appears once the sign-up is folded (a minute); '' is "no link", not a source.
 */
export async function sourceNames(db: Knex, agentId: number): Promise<{ source: string }[]> {
  const rows = asRows(
    await db(T.dailyRollups)
      .where({ agent_id: agentId })
      .whereNot({ source: '' })
      .groupBy('source')
      .select('source', db.raw('SUM(clicks) AS clicks'), db.raw('SUM(signups) AS signups'))
      .orderByRaw('SUM(clicks) DESC, SUM(signups) DESC, source')
      .limit(MAX_SOURCES),
  );
  return rows.map((r) => ({ source: text(r.source) }));
}
