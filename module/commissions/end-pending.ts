import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger } from '../ledger/ledger';
import { backToHouse } from '../ledger/accounts';
import type { Minor } from '../money/amount';
import { type Commission, remainingOf } from './commission-row';

/**
 * Ends a commission still on hold, in the caller's transaction: voided (it was not earned) or
 * forfeited (its agent was blocked). What is left of it after refunds goes from the agent's
 * pending balance back to the house, as a ledger transaction of its own under `idemKey`; the row
 * keeps its amount, and `adjusted` says all of it was taken back. Returns what was taken.
 */
export async function endPending(
  trx: Knex.Transaction,
  ledger: Pick<Ledger, 'post'>,
  c: Commission,
  o: { status: 'voided' | 'forfeited'; idemKey: string; memo: string; reason?: string },
): Promise<Minor> {
  if (c.status !== 'pending') throw new Error(`commission ${c.id} is ${c.status}, not pending`);
  const take = remainingOf(c);
  await trx(T.commissions)
    .where({ id: c.id })
    .update({ status: o.status, adjusted_minor: c.amount, ...(o.reason === undefined ? {} : { reason: o.reason.slice(0, 255) }) });
  if (take <= 0) return take;
  await ledger.post(trx, {
    idemKey: o.idemKey,
    kind: o.status === 'voided' ? 'void' : 'forfeit',
    currency: c.currency,
    memo: o.memo,
    commissionId: c.id,
    postings: backToHouse(c.agentId, 'pending', take),
  });
  return take;
}
