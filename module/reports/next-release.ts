import type { Knex } from 'knex';
import { num, rowOrNull } from '../db/columns';
import { T } from '../db/tables';

/**
 * The agent's next release from hold: when the earliest pending commission becomes available,
 * and how much becomes available then (all pending commissions with that same moment; the hold
 * ends at the start of a day, so a day's sales release together). Read on the (status,
 * available_at) index and the agent's rows, not the ledger.
 */
export async function nextRelease(db: Knex, agentId: number, currency: string): Promise<{ at: number; amount: number } | null> {
  const first = rowOrNull(await db(T.commissions).where({ agent_id: agentId, status: 'pending', currency }).min({ at: 'available_at' }).first());
  if (!first || first.at === null || first.at === undefined) return null;
  const at = num(first.at);
  const sum = rowOrNull(await db(T.commissions).where({ agent_id: agentId, status: 'pending', currency, available_at: at }).select(db.raw('sum(amount_minor - adjusted_minor) as amount')).first());
  return { at, amount: num(sum?.amount ?? 0) };
}
