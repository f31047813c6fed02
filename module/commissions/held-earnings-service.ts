import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger } from '../ledger/ledger';
import { uncountPaidOrders } from '../agents';
import { asRows } from '../db/columns';
import { commissionFromRow } from './commission-row';
import { endPending } from './end-pending';

/** What an agent earned from one client by their referral and still holds: taken back when the referral is rejected. */
export class HeldEarningsService {
  constructor(private readonly ledger: Pick<Ledger, 'post'>) {}

  /**
   * Voids, in the caller's transaction, what the agent earned from the client by the referral
   * (rule 'auto') and still holds. Money already released stays (it may be withdrawn); the admin
   * reverses it by hand if need be. Each void is its own ledger transaction under `key`.
   */
  async voidHeldFrom(trx: Knex.Transaction, agentId: number, clientId: number, key: string, reason: string): Promise<void> {
    const held = asRows(await trx(T.commissions).where({ agent_id: agentId, client_id: clientId, rule: 'auto', status: 'pending' }).forUpdate()).map(commissionFromRow);
    const invoices = new Set<number>();
    for (const c of held) {
      await endPending(trx, this.ledger, c, { status: 'voided', idemKey: `${key}:${c.id}`, memo: 'self-referral rejected', reason: `self-referral rejected: ${reason}` });
      if (c.role !== 'technical') invoices.add(c.invoiceId);
    }
    // Those paid orders counted toward the agent's level.
    await uncountPaidOrders(trx, agentId, invoices.size);
  }
}
