import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { isUniqueViolation } from '../core/errors';
import type { Ledger } from '../ledger/ledger';
import { neg } from '../money/amount';
import { asRows, num } from '../db/columns';
import { commissionFromRow, remainingOf } from './commission-row';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';

/** The end of a hold: pending commissions become money the agent can withdraw, from the daily cron. */
export class ReleaseService {
  constructor(
    private readonly db: Knex,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly clock: Clock,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  /** Moves every commission whose hold has passed from pending to available; each once, whoever else runs it. */
  async releaseDue(batchSize = 500): Promise<number> {
    let released = 0;
    let after = 0;
    for (;;) {
      const due = asRows(await this.db(T.commissions).where('status', 'pending').where('available_at', '<=', this.clock.now()).where('id', '>', after).orderBy('id').limit(batchSize));
      if (!due.length) return released;
      for (const row of due) {
        after = num(row.id);
        try {
          if (await this.release(after)) released++;
        } catch (e) {
          // Another node released it at the same moment: the ledger's key for it is taken.
          if (!isUniqueViolation(e)) throw e;
        }
      }
    }
  }

  private release(id: number): Promise<boolean> {
    return inTransaction(this.db, async (trx) => {
      const fresh: unknown = await trx(T.commissions).where({ id, status: 'pending' }).forUpdate().first();
      if (!fresh) return false;
      const c = commissionFromRow(fresh);
      await trx(T.commissions).where({ id: c.id }).update({ status: 'available' });
      await this.outbox.add(trx, 'commission.available', { commission_id: c.id, agent_id: c.agentId, amount_minor: remainingOf(c), currency: c.currency });
      await this.ledger.post(trx, {
        idemKey: `release:${c.id}`,
        kind: 'release',
        currency: c.currency,
        memo: 'hold period over',
        commissionId: c.id,
        postings: [
          { agentId: c.agentId, account: 'pending', amount: neg(remainingOf(c)) },
          { agentId: c.agentId, account: 'available', amount: remainingOf(c) },
        ],
      });
      return true;
    });
  }
}
