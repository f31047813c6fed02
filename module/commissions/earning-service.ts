import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, isDeadlock, isUniqueViolation } from '../core/errors';
import type { HostApi, HostInvoice } from '../contract/host-api';
import { agentFromRow, type AgentService } from '../agents/agent-service';
import type { Program, ProgramService } from '../programs/program-service';
import type { SelfReferralService } from '../attribution/self-referral-service';
import { openReview, REVIEW_REASON } from '../attribution/review-service';
import type { Ledger } from '../ledger/ledger';
import type { SalesClaim, SalesClaims } from './sales-claims';
import { planInvoice, type PerformerContext, type Planned, type SalesContext } from './line-plans';
import type { RecurrenceInput } from './engine';
import { writeCommission } from './commission-writer';
import { ProgramVersions } from './program-versions';
import { availableFrom } from './hold';
import { lockInvoice, readLockedInvoice } from './invoice-lock';
import { takeBackRefund } from './take-back';
import { ZERO } from '../money/amount';
import { requireInvoice } from './invoices';
import { numberOrNull, rowOrNull } from '../db/columns';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';

export type PaidOutcome = 'created' | 'duplicate' | 'not-referred' | 'nothing-to-pay';

export const SELF_PAID_REASON = "paid with the agent's own payment details";

/**
 * The tier an evaluated program's recorded change puts an agent on by a moment, before the cron
 * applies it. Declared here; module/tiers keeps the history and the composition root wires it.
 */
export interface WaitingTiers {
  waitingTierAt(agentId: number, at: number, trx: Knex.Transaction): Promise<string | null>;
}

/** The order's override changed while an InvoicePaid was being worked out. */
class StaleClaim extends Error {}

/**
 * Turns a paid invoice into commissions by the program's rules, pending for the program's hold.
 * Each event is one transaction, and the unique key (invoice line, agent, rule) makes a second
 * delivery of it change nothing.
 */
export class EarningService {
  /** The terms a claim names, read once per process (a version's terms never change). */
  private readonly versions: ProgramVersions;

  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getInvoice' | 'paymentFingerprints' | 'exchangeRate'>,
    private readonly agents: Pick<AgentService, 'get' | 'performersOf'>,
    private readonly programs: Pick<ProgramService, 'get' | 'at'>,
    private readonly claims: Pick<SalesClaims, 'forInvoice' | 'confirmFirstPaid' | 'markUnattributed'>,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly selfReferral: Pick<SelfReferralService, 'mode'>,
    private readonly clock: Clock,
    private readonly waitingTiers: WaitingTiers | null = null,
    private readonly outbox: Outbox = noOutbox,
  ) {
    this.versions = new ProgramVersions(programs);
  }

  async onInvoicePaid(invoiceId: number): Promise<{ outcome: PaidOutcome; commissions: number }> {
    // An admin's override of the order may commit between reading who earns and writing what they
    // earn; the write then finds the override changed and starts again (so does a deadlock's victim).
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.earnOnce(invoiceId);
      } catch (e) {
        if (attempt >= 3 || !(e instanceof StaleClaim || isDeadlock(e))) throw e;
      }
    }
  }

  private async earnOnce(invoiceId: number): Promise<{ outcome: PaidOutcome; commissions: number }> {
    const invoice = await requireInvoice(this.host, invoiceId);
    if (invoice.status !== 'Paid') throw new RuleError('commissions.error.invoice_not_paid', undefined, { invoice: invoiceId, status: invoice.status });
    const [claimed, performerIds] = await Promise.all([this.claims.forInvoice(invoice), this.agents.performersOf(invoice.lines.map((l) => l.id))]);
    const { claim, rule, overrideVersion } = claimed;
    if (!claim && !performerIds.size) {
      await this.claims.markUnattributed(invoice);
      return { outcome: 'not-referred', commissions: 0 };
    }
    const paidAt = invoice.date_paid ?? this.clock.now();
    // Asked of the host before the transaction: on SQLite the transaction holds the only connection.
    const rates = await this.ratesFrom(invoice.currency, claim, [...new Set(performerIds.values())]);
    const selfPaid = claim?.checkPayment ? await this.paidByAgent(invoice, claim.agentId) : null;

    try {
      return await inTransaction(this.db, async (trx) => {
        // The invoice's lock first: a refund being saved waits for this transaction, and one saved
        // since the invoice was read is found below and taken back from what is written here.
        await lockInvoice(trx, invoice.id);
        // Under the lock, an override being saved waits for this transaction, and one saved since
        // the claim was read sends the event round again; refunds saved before it are taken back below.
        const locked = await readLockedInvoice(trx, invoice.id);
        if (locked.overrideVersion !== overrideVersion) throw new StaleClaim();
        // So is another invoice of the client marked first since the claim presumed this one is.
        if (!(await this.claims.confirmFirstPaid(trx, invoice, claimed))) throw new StaleClaim();
        const sales = claim ? await this.salesContext(trx, claim, invoice, paidAt) : null;
        if (sales && selfPaid === 'flag') await openReview(trx, invoice.client_id, sales.agent.id, REVIEW_REASON.payment, this.clock.now());
        const performers = await this.performerContexts(trx, performerIds, sales);
        const planned = planInvoice(invoice, sales, performers, rates, selfPaid === 'reject' ? SELF_PAID_REASON : null);
        const created: number[] = [];
        let earnedSales = false;
        for (const p of planned) {
          const id = await this.store(trx, invoice, p, paidAt, rule);
          if (!id) continue;
          created.push(id);
          if (p.commission?.role !== 'technical') earnedSales = true;
        }
        for (const refund of locked.refunds) {
          await takeBackRefund(trx, this.ledger, invoice, refund, created, this.outbox);
        }
        if (sales && earnedSales) await trx(T.agents).where({ id: sales.agent.id }).increment('paid_orders', 1);
        return { outcome: created.length || planned.length ? 'created' : 'nothing-to-pay', commissions: created.length } as const;
      });
    } catch (e) {
      // Another delivery of this event got there first; its commissions stand, ours roll back.
      if (isUniqueViolation(e)) return { outcome: 'duplicate', commissions: 0 };
      throw e;
    }
  }

  /**
   * Self-referral by payment details: the invoice was paid with a payment method the agent has
   * paid their own invoices with. Null when not, or when the host cannot tell.
   */
  private async paidByAgent(invoice: HostInvoice, agentId: number): Promise<'reject' | 'flag' | null> {
    if (!invoice.paid_with) return null;
    const agent = await this.agents.get(agentId);
    if (!agent || agent.clientId === invoice.client_id) return null;
    if (!(await this.host.paymentFingerprints(agent.clientId)).includes(invoice.paid_with)) return null;
    return this.selfReferral.mode();
  }

  /** The facts about the sales agent that the rules read, taken under the agent's row lock. */
  private async salesContext(trx: Knex.Transaction, claim: SalesClaim, invoice: HostInvoice, paidAt: number): Promise<SalesContext | null> {
    const row: unknown = await trx(T.agents).where({ id: claim.agentId }).forUpdate().first();
    const agent = row ? agentFromRow(row) : null;
    if (agent?.status !== 'active') return null;
    const program = await this.versions.at(claim.programId, claim.termsVersion, trx);
    const isFirstInvoice = claim.referralId === null || (await this.isReferralsFirst(trx, claim.referralId, claim.firstPaidInvoiceId, invoice.id));
    const since = DateTime.fromMillis(claim.since, { zone: program.timezone });
    // What the client's earlier invoices earned matters only to a rule that pays once per client.
    const earned = new Set<string>(
      program.def.rules.some((r) => r.recurrence === 'once')
        ? await trx(T.commissions)
            .where({ agent_id: agent.id, client_id: invoice.client_id })
            .whereNot('invoice_id', invoice.id)
            .whereNotIn('status', ['voided', 'rejected'])
            .whereNotNull('sales_rule')
            .distinct()
            .pluck('sales_rule')
        : [],
    );
    const rec: RecurrenceInput = {
      isFirstInvoice,
      earnedBefore: (ruleId) => earned.has(ruleId),
      withinMonths: (n) => paidAt < since.plus({ months: n }).toMillis(),
    };
    // The month's target bonus is not known yet: it lands at month close (TargetBonusService).
    // A tier change due by the payment but not yet applied by today's cron already counts.
    const waiting = program.def.evaluation && this.waitingTiers ? await this.waitingTiers.waitingTierAt(agent.id, paidAt, trx) : null;
    const input = { agentId: agent.id, tier: waiting ?? agent.tier, rateBp: agent.rateBp, paidOrdersBefore: agent.paidOrders };
    return { agent, program, input, rec };
  }

  /**
   * Whether this invoice is the referral's first paid one, marking it so when none was yet. The
   * mark is set once and never changed, so one read before the transaction that found it set
   * answers; when it was not, the update that sets it says by its row count whether it was ours.
   */
  private async isReferralsFirst(trx: Knex.Transaction, referralId: number, readBefore: number | null, invoiceId: number): Promise<boolean> {
    if (readBefore !== null) return readBefore === invoiceId;
    const marked = await trx(T.referrals).where({ id: referralId }).whereNull('first_paid_invoice_id').update({ first_paid_invoice_id: invoiceId });
    if (marked > 0) return true;
    const first = rowOrNull(await trx(T.referrals).where({ id: referralId }).first('first_paid_invoice_id'));
    return numberOrNull(first?.first_paid_invoice_id) === invoiceId;
  }

  /** Each line's performer who is still an active agent, under their own program. */
  private async performerContexts(trx: Knex.Transaction, performerIds: Map<number, number>, sales: SalesContext | null): Promise<Map<number, PerformerContext>> {
    const out = new Map<number, PerformerContext>();
    for (const [lineId, performerId] of performerIds) {
      const row: unknown = await trx(T.agents).where({ id: performerId, status: 'active' }).first();
      if (!row) continue;
      const agent = agentFromRow(row);
      const program = sales && sales.agent.id === agent.id ? sales.program : await this.programOrFail(this.programs.get(agent.programId, trx), agent.programId);
      out.set(lineId, { agent, program, input: { agentId: agent.id, tier: agent.tier, certification: agent.certification } });
    }
    return out;
  }

  /**
   * The host's rates from the invoice currency into the currency of each program that may pay on
   * this invoice (the referral's terms, the performers' programs), where that program converts.
   */
  private async ratesFrom(from: string, claim: SalesClaim | null, performerIds: number[]): Promise<Map<string, string | null>> {
    const programs: Program[] = [];
    if (claim) programs.push(await this.versions.at(claim.programId, claim.termsVersion));
    for (const id of performerIds) {
      const agent = await this.agents.get(id);
      if (agent) programs.push(await this.programOrFail(this.programs.get(agent.programId), agent.programId));
    }
    const rates = new Map<string, string | null>();
    for (const p of programs) {
      if (p.currency !== from && p.def.convert_currencies && !rates.has(p.currency)) rates.set(p.currency, await this.host.exchangeRate(from, p.currency));
    }
    return rates;
  }

  private async programOrFail(found: Promise<Program | null>, programId: number): Promise<Program> {
    const program = await found;
    if (!program) throw new Error(`program ${programId} is missing`);
    return program;
  }

  /** Writes one planned commission; null when it was a rejection, which earns nothing. */
  private async store(trx: Knex.Transaction, invoice: HostInvoice, p: Planned, paidAt: number, rule: string): Promise<number | null> {
    const c = p.commission;
    const agentId = c?.agentId ?? p.rejected?.agentId;
    if (agentId === undefined) throw new Error('a planned commission names no agent');
    const id = await writeCommission(
      trx,
      this.ledger,
      {
        agent_id: agentId,
        program_id: p.program.id,
        client_id: invoice.client_id,
        invoice_id: invoice.id,
        invoice_line_id: p.line.id,
        rule,
        role: c ? c.role : 'rejected',
        sales_rule: c ? c.salesRule : null,
        tier: c ? c.tier : null,
        terms_version: p.program.version,
        base_minor: p.base ?? p.line.amount_minor,
        parts: JSON.stringify(c ? c.parts : []),
        amount_minor: c ? c.amount : ZERO,
        adjusted_minor: 0,
        currency: c ? p.program.currency : invoice.currency,
        status: c ? 'pending' : 'rejected',
        reason: p.rejected?.reason ?? null,
        created_at: paidAt,
        available_at: availableFrom(paidAt, p.program),
      },
      `invoice ${invoice.id} line ${p.line.id}`,
      this.outbox,
    );
    return c ? id : null;
  }
}
