import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRow, num, text } from '../db/columns';

/** A stored click as the admin sees it. Every text field is the visitor's own: show it escaped. */
export interface ClickRow {
  createdAt: number;
  ip: string;
  userAgent: string;
  referer: string;
  source: string;
}

/** The agent's latest clicks, newest first, read along the (agent, time) index. */
export async function recentClicks(db: Knex, agentId: number, limit = 50): Promise<ClickRow[]> {
  const rows = await db(T.clicks)
    .where({ agent_id: agentId })
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .limit(limit);
  return rows.map(clickFromRow);
}

export function clickFromRow(value: unknown): ClickRow {
  const r = asRow(value);
  return { createdAt: num(r.created_at), ip: text(r.ip), userAgent: text(r.user_agent), referer: text(r.referer), source: text(r.source) };
}
