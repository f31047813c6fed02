import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, errorMessage, isDeadlock, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import type { AssignmentService } from '../attribution/assignment-service';
import type { Ledger } from '../ledger/ledger';
import { asRows } from '../db/columns';
import { commissionFromRow } from './commission-row';
import { endPending } from './end-pending';
import type { EarningService } from './earning-service';
import { type OrderOverride, orderOverrideFor, orderOverrideFromRow } from './order-override-row';
import { uncountPaidOrders } from '../agents';
import { inTransaction } from '../db/transaction';
import { lockInvoice } from './invoice-lock';

/**
 * An admin sets who referred one order, whatever the client's referral says: another agent, or
 * no one. The override is kept per invoice, since the invoice is what earns (the host may bill
 * several orders on one invoice; the override then covers all of them). On an invoice already
 * paid, commissions still on hold are voided and made anew for the new agent; once any was
 * released to an agent, or the invoice was refunded, the override is refused (that money may
 * already be withdrawn; a refund's share was taken from the old commissions only).
 */
export class OrderOverrideService {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getOrder' | 'getInvoice'>,
    private readonly agents: Pick<AgentService, 'get'>,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly assignments: Pick<AssignmentService, 'forClient'>,
    private readonly earnings: Pick<EarningService, 'onInvoicePaid'>,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly clock: Clock,
  ) {}

  async set(orderId: number, agentId: number | null, actor: string, reason: string): Promise<OrderOverride> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const order = await this.host.getOrder(orderId);
    if (!order) throw new RuleError('overrides.error.no_order', 'order_id', { order: orderId });
    const invoice = await this.host.getInvoice(order.invoice_id);
    if (!invoice || (invoice.status !== 'Unpaid' && invoice.status !== 'Paid')) {
      throw new RuleError(invoice ? 'overrides.error.invoice_status' : 'overrides.error.invoice_missing', 'order_id', invoice ? { order: orderId, status: invoice.status } : { order: orderId });
    }
    let terms: { programId: number; termsVersion: number } | null = null;
    if (agentId !== null) {
      const agent = await this.agents.get(agentId);
      if (!agent || agent.status !== 'active') throw new RuleError('errors.agent_not_active', 'agent_id', { agent: agentId });
      if (agent.clientId === order.client_id) throw new RuleError('overrides.error.own_order', 'agent_id');
      const program = await this.programs.get(agent.programId);
      if (!program) throw new Error(`program ${agent.programId} of agent ${agentId} is missing: a foreign key was broken`);
      terms = { programId: program.id, termsVersion: program.version };
    }
    const now = this.clock.now();
    const fallback = await this.assignments.forClient(order.client_id);

    // Two admins at once on an order never seen before both insert its first row: one meets the
    // key (or MariaDB's deadlock) and runs again, on the row the other made.
    for (let attempt = 1; ; attempt++) {
      try {
        await inTransaction(this.db, (trx) =>
          this.save(trx, { orderId, invoiceId: invoice.id, clientId: order.client_id, agentId, terms, actor, reason, now, fallback: fallback && fallback.endedAt === null ? fallback.agentId : null }),
        );
        break;
      } catch (e) {
        if (attempt >= 3 || !(isUniqueViolation(e) || isDeadlock(e))) throw e;
      }
    }

    // Read again: the invoice may have been paid while the override was being saved, and its
    // InvoicePaid's commissions were then voided by it.
    if ((await this.host.getInvoice(invoice.id))?.status === 'Paid') {
      try {
        await this.earnings.onInvoicePaid(invoice.id);
      } catch (e) {
        // The override stands and the old commissions are voided; saving it again earns anew.
        throw new RuleError('overrides.error.earn_failed', 'order_id', { order: orderId, cause: errorMessage(e) }, { cause: e });
      }
    }
    const saved = await orderOverrideFor(this.db, invoice.id);
    if (!saved) throw new Error(`invoice ${invoice.id}'s order override was saved but cannot be read back`);
    return saved;
  }

  /**
   * The override row is written first: InvoicePaid locks the same row before it writes, so the
   * two take turns, and the commissions read below include whatever an InvoicePaid just made.
   */
  private async save(
    trx: Knex.Transaction,
    o: {
      orderId: number;
      invoiceId: number;
      clientId: number;
      agentId: number | null;
      terms: { programId: number; termsVersion: number } | null;
      actor: string;
      reason: string;
      now: number;
      fallback: number | null;
    },
  ): Promise<void> {
    const { orderId, invoiceId, agentId, reason, now } = o;
    // The invoice's lock first, as InvoicePaid takes it: on Galera the FOR UPDATE below holds only
    // on this node, and both writing the lock row makes a payment and an override conflict.
    await lockInvoice(trx, invoiceId);
    const existing: unknown = await trx(T.orderReferrals).where({ invoice_id: invoiceId }).forUpdate().first();
    const previous = existing ? orderOverrideFromRow(existing) : null;
    const version = (previous?.version ?? 0) + 1;
    const row = {
      order_id: orderId,
      client_id: o.clientId,
      agent_id: agentId,
      program_id: o.terms?.programId ?? null,
      terms_version: o.terms?.termsVersion ?? null,
      version,
      actor: o.actor.slice(0, 120),
      reason: reason.slice(0, 255),
      created_at: now,
    };
    if (previous) await trx(T.orderReferrals).where({ invoice_id: invoiceId }).update(row);
    else await trx(T.orderReferrals).insert({ ...row, invoice_id: invoiceId });

    // A refund has already taken its share back from the old commissions; new ones would be
    // earned on the whole invoice. And money released to an agent may already be withdrawn.
    if (await trx(T.refunds).where({ invoice_id: invoiceId }).first('id')) {
      throw new RuleError('overrides.error.refunded', 'order_id', { invoice: invoiceId });
    }
    const commissions = asRows(await trx(T.commissions).where({ invoice_id: invoiceId }).forUpdate()).map(commissionFromRow);
    const released = commissions.find((c) => c.status === 'available' || c.status === 'reversed');
    if (released) throw new RuleError('overrides.error.released', 'order_id', { invoice: invoiceId, agent: released.agentId });
    const from = previous ? previous.agentId : o.fallback;
    await trx(T.assignmentLog).insert({
      client_id: o.clientId,
      order_id: orderId,
      from_agent_id: from,
      to_agent_id: agentId,
      reason: reason.slice(0, 255),
      actor: o.actor.slice(0, 120),
      created_at: now,
    });

    // What the earlier attribution earned on hold goes back to the house; what was forfeited
    // (the agent was blocked) or voided stays as it is.
    const sellers = new Set<number>();
    for (const c of commissions.filter((c) => c.status === 'pending')) {
      const given = agentId === null ? 'no agent' : `agent ${agentId}`;
      await endPending(trx, this.ledger, c, {
        status: 'voided',
        idemKey: `override:${invoiceId}:v${version}:${c.id}`,
        memo: `order ${orderId} re-attributed`,
        reason: `order #${orderId} given to ${given}: ${reason}`,
      });
      if (c.role !== 'technical') sellers.add(c.agentId);
    }
    // The paid order counted toward the seller's level; it is no longer theirs.
    for (const id of sellers) await uncountPaidOrders(trx, id, 1);
  }

  async forClient(clientId: number): Promise<OrderOverride[]> {
    return asRows(await this.db(T.orderReferrals).where({ client_id: clientId }).orderBy('order_id', 'desc')).map(orderOverrideFromRow);
  }
}
