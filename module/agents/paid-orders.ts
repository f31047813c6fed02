import type { Knex } from 'knex';
import { T } from '../db/tables';

/**
 * Takes `n` paid orders off an agent's count (the level multipliers read it) when their sales
 * are no longer the agent's; never below zero. One statement, whatever `n`.
 */
export async function uncountPaidOrders(trx: Knex.Transaction, agentId: number, n: number): Promise<void> {
  if (n <= 0) return;
  await trx(T.agents)
    .where({ id: agentId })
    .update({ paid_orders: trx.raw('CASE WHEN paid_orders > ? THEN paid_orders - ? ELSE 0 END', [n, n]) });
}
