import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import { neg } from '../money/amount';
import { type Commission, remainingOf } from './commission-row';

/**
 * Voids a commission still on hold, in the caller's transaction: what is left of it after refunds
 * goes from the agent's pending balance back to the house, as a ledger transaction of its own
 * under `idemKey`. The commission row keeps its amount; `adjusted` says all of it was taken back.
 */
export async function voidPending(trx: Knex.Transaction, ledger: Ledger, c: Commission, o: { idemKey: string; memo: string; reason: string }): Promise<void> {
  if (c.status !== 'pending') throw new Error(`commission ${c.id} is ${c.status}, not pending`);
  const take = remainingOf(c);
  await trx(T.commissions).where({ id: c.id }).update({ status: 'voided', adjusted_minor: c.amount, reason: o.reason.slice(0, 255) });
  if (take <= 0) return;
  await ledger.post(trx, {
    idemKey: o.idemKey,
    kind: 'void',
    currency: c.currency,
    memo: o.memo,
    commissionId: c.id,
    postings: [
      { agentId: c.agentId, account: 'pending', amount: neg(take) },
      { agentId: HOUSE, account: 'commission_expense', amount: take },
    ],
  });
}
