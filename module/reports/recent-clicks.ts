import type { Knex } from 'knex';
import { T } from '../db/tables';

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
  const rows = await db(T.clicks).where({ agent_id: agentId }).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit);
  return rows.map(clickFromRow);
}

export function clickFromRow(r: Record<string, unknown>): ClickRow {
  return { createdAt: Number(r.created_at), ip: String(r.ip), userAgent: String(r.user_agent), referer: String(r.referer), source: String(r.source) };
}
