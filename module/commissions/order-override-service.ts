import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import type { AttributionService } from '../attribution/attribution-service';
import type { Ledger } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import { neg } from '../money/amount';
import { commissionFromRow, remainingOf } from './commission-row';
import type { CommissionService } from './commission-service';
import { type OrderOverride, orderOverrideFor, orderOverrideFromRow } from './order-override-row';

/**
 * An admin sets who referred one order, whatever the client's referral says: another agent, or
 * no one. The override is kept per invoice, since the invoice is what earns (the host may bill
 * several orders on one invoice; the override then covers all of them). On an invoice already
 * paid, commissions still on hold are voided and made anew for the new agent; once any was
 * released to an agent the override is refused, because that money may already be withdrawn.
 */
export class OrderOverrideService {
  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly agents: AgentService,
    private readonly programs: ProgramService,
    private readonly attribution: AttributionService,
    private readonly commissions: CommissionService,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
  ) {}

  async set(orderId: number, agentId: number | null, actor: string, reason: string): Promise<OrderOverride> {
    if (!reason.trim()) throw new RuleError('give a reason', 'reason');
    const order = await this.host.getOrder(orderId);
    if (!order) throw new RuleError(`there is no order #${orderId}`, 'order_id');
    const invoice = await this.host.getInvoice(order.invoice_id);
    if (!invoice || (invoice.status !== 'Unpaid' && invoice.status !== 'Paid')) {
      throw new RuleError(`order #${orderId}'s invoice is ${invoice?.status ?? 'missing'}: only an unpaid or paid one can change hands`, 'order_id');
    }
    let terms: { programId: number; termsVersion: number } | null = null;
    if (agentId !== null) {
      const agent = await this.agents.get(agentId);
      if (!agent || agent.status !== 'active') throw new RuleError(`agent ${agentId} is not an active agent`, 'agent_id');
      if (agent.clientId === order.client_id) throw new RuleError('an agent cannot be given their own order', 'agent_id');
      const program = (await this.programs.get(agent.programId))!;
      terms = { programId: program.id, termsVersion: program.version };
    }
    const now = this.clock.now();
    const fallback = await this.attribution.forClient(order.client_id);

    await this.db.transaction(async (trx) => {
      const existing = await trx(T.orderReferrals).where({ invoice_id: invoice.id }).forUpdate().first();
      const previous = existing ? orderOverrideFromRow(existing) : null;
      const commissions = (await trx(T.commissions).where({ invoice_id: invoice.id }).forUpdate()).map(commissionFromRow);
      const released = commissions.find((c) => c.status !== 'pending' && c.status !== 'voided' && c.status !== 'rejected');
      if (released) throw new RuleError(`invoice #${invoice.id}'s commissions were already released to agent ${released.agentId}: add a manual commission instead`, 'order_id');
      const version = (previous?.version ?? 0) + 1;
      const row = { order_id: orderId, client_id: order.client_id, agent_id: agentId, program_id: terms?.programId ?? null, terms_version: terms?.termsVersion ?? null, version, actor: actor.slice(0, 120), reason: reason.slice(0, 255), created_at: now };
      if (previous) await trx(T.orderReferrals).where({ invoice_id: invoice.id }).update(row);
      else await trx(T.orderReferrals).insert({ ...row, invoice_id: invoice.id });
      const from = previous ? previous.agentId : fallback && fallback.endedAt === null ? fallback.agentId : null;
      await trx(T.assignmentLog).insert({ client_id: order.client_id, order_id: orderId, from_agent_id: from, to_agent_id: agentId, reason: reason.slice(0, 255), actor: actor.slice(0, 120), created_at: now });

      // What the earlier attribution earned on hold goes back to the house.
      const sellers = new Set<number>();
      for (const c of commissions.filter((c) => c.status === 'pending')) {
        const take = remainingOf(c);
        await trx(T.commissions).where({ id: c.id }).update({ status: 'voided', adjusted_minor: c.amount, reason: `order #${orderId} given to ${agentId === null ? 'no agent' : `agent ${agentId}`}: ${reason}`.slice(0, 255) });
        if (take > 0) {
          await this.ledger.post(trx, {
            idemKey: `override:${invoice.id}:v${version}:${c.id}`,
            kind: 'void',
            currency: c.currency,
            memo: `order ${orderId} re-attributed`,
            commissionId: c.id,
            postings: [
              { agentId: c.agentId, account: 'pending', amount: neg(take) },
              { agentId: HOUSE, account: 'commission_expense', amount: take },
            ],
          });
        }
        if (c.role !== 'technical') sellers.add(c.agentId);
      }
      // The paid order counted toward the seller's level; it is no longer theirs.
      for (const id of sellers) await trx(T.agents).where({ id }).where('paid_orders', '>', 0).decrement('paid_orders', 1);
    });

    if (invoice.status === 'Paid') await this.commissions.onInvoicePaid(invoice.id);
    return (await orderOverrideFor(this.db, invoice.id))!;
  }

  async forClient(clientId: number): Promise<OrderOverride[]> {
    return (await this.db(T.orderReferrals).where({ client_id: clientId }).orderBy('order_id', 'desc')).map(orderOverrideFromRow);
  }
}
