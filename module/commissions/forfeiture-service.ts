import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { T } from '../db/tables';
import { RuleError } from '../core/errors';
import type { Ledger } from '../ledger/ledger';
import { backToHouse } from '../ledger/accounts';
import { agentFromRow, type AgentService } from '../agents/agent-service';
import { minor } from '../money/amount';
import { asRows, num, text } from '../db/columns';
import { commissionFromRow } from './commission-row';
import { endPending } from './end-pending';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';

/**
 * Blocking an agent for a violation forfeits what they have not been paid: every pending
 * commission, the available balance, and any withdrawal still waiting. Each is an entry with the
 * reason in its memo; nothing is deleted, and what was already paid stays paid.
 */
export class ForfeitureService {
  constructor(
    private readonly db: Knex,
    private readonly ledger: Ledger,
    private readonly agents: AgentService,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  async block(agentId: number, reason: string, actor: string): Promise<{ forfeited: Record<string, number> }> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const memo = `forfeited: ${reason} (by ${actor})`.slice(0, 255);
    const forfeited: Record<string, number> = {};
    const add = (cur: string, n: number) => (forfeited[cur] = (forfeited[cur] ?? 0) + n);
    await inTransaction(this.db, async (trx) => {
      const row: unknown = await trx(T.agents).where({ id: agentId }).forUpdate().first();
      if (!row) throw new RuleError('errors.agent_missing', 'agent_id', { agent: agentId });
      if (agentFromRow(row).status === 'blocked') throw new RuleError('commissions.error.agent_blocked', 'agent_id', { agent: agentId });
      await trx(T.agents)
        .where({ id: agentId })
        .update({ status: 'blocked', blocked_reason: reason.slice(0, 255) });
      await this.outbox.add(trx, 'agent.blocked', { agent_id: agentId, reason: reason.slice(0, 255) });

      // Pending money is forfeited commission by commission. Released money is swept below as a
      // balance: part of it may already be in a withdrawal request, or paid out, and which
      // commission that money came from is not recorded, so released commissions keep their status.
      for (const c of asRows(await trx(T.commissions).where({ agent_id: agentId, status: 'pending' })).map(commissionFromRow)) {
        const left = await endPending(trx, this.ledger, c, { status: 'forfeited', idemKey: `forfeit:${c.id}`, memo });
        if (left > 0) add(c.currency, left);
        if (left > 0) await this.outbox.add(trx, 'commission.reversed', { commission_id: c.id, agent_id: agentId, invoice_id: c.invoiceId, taken_minor: left, currency: c.currency, in_full: true });
      }

      for (const w of asRows(await trx(T.withdrawals).where({ agent_id: agentId, status: 'requested' }))) {
        const id = num(w.id);
        const currency = text(w.currency);
        await trx(T.withdrawals)
          .where({ id })
          .update({ status: 'forfeited', reason: reason.slice(0, 255) });
        const amount = minor(w.amount_minor);
        await this.ledger.post(trx, {
          idemKey: `forfeit-withdrawal:${id}`,
          kind: 'forfeit',
          currency,
          memo,
          withdrawalId: id,
          postings: backToHouse(agentId, 'reserved', amount),
        });
        add(currency, amount);
      }

      const balances = asRows(await trx(T.balances).where({ agent_id: agentId, account: 'available' }).where('balance_minor', '>', 0).forUpdate());
      for (const b of balances) {
        const amount = minor(b.balance_minor);
        const currency = text(b.currency);
        await this.ledger.post(trx, {
          idemKey: `forfeit-available:${agentId}:${currency}:${crypto.randomUUID()}`,
          kind: 'forfeit',
          currency,
          memo,
          postings: backToHouse(agentId, 'available', amount),
        });
        add(currency, amount);
      }
    });
    this.agents.changed(agentId);
    return { forfeited };
  }
}
