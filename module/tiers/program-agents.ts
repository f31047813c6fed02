import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, json, num, stringOrNull } from '../db/columns';

/** An agent as the evaluation reads it. */
export interface AgentRow {
  id: number;
  clientId: number;
  tier: string | null;
  paidOrders: number;
  createdAt: number;
}

/** When the program's first version with an evaluation section was loaded; null: none has one. */
export async function evaluatedSince(db: Knex, programId: number): Promise<number | null> {
  const rows = asRows(await db(T.programVersions).where({ program_id: programId }).orderBy('version').select('definition', 'created_at'));
  for (const r of rows) {
    const def = json(r.definition);
    if (typeof def === 'object' && def !== null && 'evaluation' in def) return num(r.created_at);
  }
  return null;
}

/** The program's active agents, in one query. */
export async function activeAgents(db: Knex, programId: number): Promise<AgentRow[]> {
  const rows = asRows(await db(T.agents).where({ program_id: programId, status: 'active' }).select('id', 'client_id', 'tier', 'paid_orders', 'created_at').orderBy('id'));
  return rows.map((r) => ({ id: num(r.id), clientId: num(r.client_id), tier: stringOrNull(r.tier) || null, paidOrders: num(r.paid_orders), createdAt: num(r.created_at) }));
}
