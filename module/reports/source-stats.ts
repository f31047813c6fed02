import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num, text } from '../db/columns';

export interface SourceStats {
  source: string;
  clicks: number;
  signups: number;
}

/**
 * Shown per source: anyone may put any valid `src=` on an agent's link, so a page lists the
 * busiest ones, not all of them.
 */
export const MAX_SOURCES = 50;

/**
 * Clicks and sign-ups per source for one agent, busiest first. Clicks are counted on the
 * (agent, source) index; sign-ups are the agent's referrals that came from a link (an admin's
 * assignment has no source and is not among them).
 */
export async function sourceStats(db: Knex, agentId: number): Promise<SourceStats[]> {
  const [clicks, signups] = await Promise.all([
    db(T.clicks).where({ agent_id: agentId }).groupBy('source').select('source').count({ n: '*' }),
    db(T.referrals).where({ agent_id: agentId }).whereNotNull('source').groupBy('source').select('source').count({ n: '*' }),
  ]);
  const bySource = new Map<string, SourceStats>();
  const entry = (source: unknown) => {
    const key = text(source);
    let e = bySource.get(key);
    if (!e) bySource.set(key, (e = { source: key, clicks: 0, signups: 0 }));
    return e;
  };
  for (const r of asRows(clicks)) entry(r.source).clicks = num(r.n);
  for (const r of asRows(signups)) entry(r.source).signups = num(r.n);
  return [...bySource.values()].sort((a, b) => b.clicks - a.clicks || b.signups - a.signups || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0)).slice(0, MAX_SOURCES);
}
