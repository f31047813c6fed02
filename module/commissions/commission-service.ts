import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, isDeadlock, isUniqueViolation } from '../core/errors';
import type { HostApi, HostInvoice, HostInvoiceLine } from '../contract/host-api';
import { agentFromRow, type Agent, type AgentService } from '../agents/agent-service';
import type { Program, ProgramService } from '../programs/program-service';
import type { AttributionService } from '../attribution/attribution-service';
import { SELF_REFERRAL_SETTING, selfReferralMode } from '../attribution/self-referral';
import type { SettingsStore } from '../settings/settings-store';
import { orderOverrideFor } from './order-override-row';
import type { Ledger } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import { type Minor, convert, minor, neg, parseAmount, share } from '../money/amount';
import { isCurrency } from '../money/currencies';
import { commissionsForLine, type LineCommission, type LineInput, type PerformerInput, type RatePart, type RecurrenceInput, type SalesAgentInput } from './engine';
import { type Commission, commissionFromRow, remainingOf } from './commission-row';
import { openReview, REVIEW_REASON } from '../attribution/review-service';

export type PaidOutcome = 'created' | 'duplicate' | 'not-referred' | 'nothing-to-pay';

/** The order's override changed while an InvoicePaid was being worked out. */
class StaleClaim extends Error {}

/**
 * Who sells on an invoice, under which terms: the client's referral, or an admin's override of
 * the order the invoice bills.
 */
interface SalesClaim {
  agentId: number;
  programId: number;
  termsVersion: number;
  /** Where "N months" counts from. */
  since: number;
  /** The client's referral row, whose first paid invoice this may be; null for an override, whose invoice is the deal's first. */
  referralId: number | null;
  /** Payment details are checked against the agent's own for a referral, not for an admin's choice. */
  checkPayment: boolean;
}

export const SELF_PAID_REASON = "paid with the agent's own payment details";

interface Planned {
  line: HostInvoiceLine;
  program: Program;
  /** The line in the program's currency, when it was converted. */
  base?: Minor;
  commission: LineCommission | null;
  rejected?: { agentId: number; reason: string };
}

/**
 * Turns paid invoices into commissions by the program's rules, refunds into their reversal, and
 * the end of a hold into money the agent can withdraw. Each event is one transaction, and the
 * unique key (invoice line, agent, rule) makes a second delivery of it change nothing.
 */
export class CommissionService {
  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly agents: AgentService,
    private readonly programs: ProgramService,
    private readonly attribution: AttributionService,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly settings: SettingsStore,
  ) {}

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
    const invoice = await this.requireInvoice(invoiceId);
    if (invoice.status !== 'Paid') throw new Error(`invoice ${invoiceId} is ${invoice.status}, not Paid`);
    const { claim, rule, overrideVersion } = await this.salesClaim(invoice);
    const performers = await this.agents.performersOf(invoice.lines.map((l) => l.id));
    if (!claim && !performers.size) return { outcome: 'not-referred', commissions: 0 };
    const paidAt = invoice.date_paid ?? this.clock.now();
    // Asked of the host before the transaction: on SQLite the transaction holds the only connection.
    const rates = await this.ratesFrom(invoice.currency, claim, [...new Set(performers.values())]);
    const selfPaid = claim?.checkPayment ? await this.paidByAgent(invoice, claim.agentId) : null;

    try {
      return await this.db.transaction(async (trx) => {
        // Locked before anything is written: an override being saved waits for this transaction,
        // and one saved since the claim was read sends the event round again.
        const current = await trx(T.orderReferrals).where({ invoice_id: invoice.id }).forUpdate().first('version');
        if (Number(current?.version ?? 0) !== overrideVersion) throw new StaleClaim();
        const sales = claim ? await this.salesContext(trx, claim, invoice, paidAt) : null;
        if (sales && selfPaid === 'flag') {
          await openReview(trx, invoice.client_id, sales.agent.id, REVIEW_REASON.payment, this.clock.now());
        }
        const salesRefusal = selfPaid === 'reject' ? SELF_PAID_REASON : null;
        const planned: Planned[] = [];
        for (const line of invoice.lines) planned.push(...(await this.planLine(trx, line, invoice, sales, performers.get(line.id) ?? null, rates, salesRefusal)));
        let created = 0;
        let earnedSales = false;
        for (const p of planned) {
          const id = await this.store(trx, invoice, p, paidAt, rule);
          if (id !== null && p.commission) {
            created++;
            if (p.commission.role !== 'technical') earnedSales = true;
          }
        }
        if (sales && earnedSales) await trx(T.agents).where({ id: sales.agent.id }).increment('paid_orders', 1);
        return { outcome: created || planned.length ? 'created' : 'nothing-to-pay', commissions: created } as const;
      });
    } catch (e) {
      // Another delivery of this event got there first; its commissions stand, ours roll back.
      if (isUniqueViolation(e)) return { outcome: 'duplicate', commissions: 0 };
      throw e;
    }
  }

  /**
   * An admin's override of the invoice's order comes first (its agent may be no one); otherwise
   * the client's live referral. The rule key says which override made the commissions: 'auto',
   * or 'order:v<n>' under the n-th override of the order.
   */
  private async salesClaim(invoice: HostInvoice): Promise<{ claim: SalesClaim | null; rule: string; overrideVersion: number }> {
    const override = await orderOverrideFor(this.db, invoice.id);
    if (override) {
      const rule = `order:v${override.version}`;
      const overrideVersion = override.version;
      if (override.agentId === null) return { claim: null, rule, overrideVersion };
      return { claim: { agentId: override.agentId, programId: override.programId!, termsVersion: override.termsVersion!, since: override.createdAt, referralId: null, checkPayment: false }, rule, overrideVersion };
    }
    const referral = await this.attribution.forClient(invoice.client_id);
    if (!referral || referral.endedAt !== null) return { claim: null, rule: 'auto', overrideVersion: 0 };
    return { claim: { agentId: referral.agentId, programId: referral.programId, termsVersion: referral.termsVersion, since: referral.createdAt, referralId: referral.id, checkPayment: true }, rule: 'auto', overrideVersion: 0 };
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
    return selfReferralMode.parse(await this.settings.get(SELF_REFERRAL_SETTING));
  }

  /** The facts about the sales agent that the rules read, taken under the agent's row lock. */
  private async salesContext(trx: Knex.Transaction, claim: SalesClaim, invoice: HostInvoice, paidAt: number) {
    const row = await trx(T.agents).where({ id: claim.agentId }).forUpdate().first();
    if (!row || row.status !== 'active') return null;
    const agent = agentFromRow(row);
    const program = (await this.programs.at(claim.programId, claim.termsVersion, trx))!;
    let isFirstInvoice = true;
    if (claim.referralId !== null) {
      await trx(T.referrals).where({ id: claim.referralId }).whereNull('first_paid_invoice_id').update({ first_paid_invoice_id: invoice.id });
      const first = await trx(T.referrals).where({ id: claim.referralId }).first('first_paid_invoice_id');
      isFirstInvoice = Number(first?.first_paid_invoice_id) === invoice.id;
    }
    const month = DateTime.fromMillis(paidAt, { zone: program.timezone }).toFormat('yyyy-LL');
    const input: SalesAgentInput = {
      agentId: agent.id,
      tier: agent.tier,
      rateBp: agent.rateBp,
      targetsMet: await this.agents.targetsMet(agent.id, month, trx),
      paidOrdersBefore: agent.paidOrders,
    };
    const since = DateTime.fromMillis(claim.since, { zone: program.timezone });
    const earned = new Set<string>(
      await trx(T.commissions)
        .where({ agent_id: agent.id, client_id: invoice.client_id })
        .whereNot('invoice_id', invoice.id)
        .whereNotIn('status', ['voided', 'rejected'])
        .whereNotNull('sales_rule')
        .distinct()
        .pluck('sales_rule'),
    );
    const rec: RecurrenceInput = {
      isFirstInvoice,
      earnedBefore: (ruleId) => earned.has(ruleId),
      withinMonths: (n) => paidAt < since.plus({ months: n }).toMillis(),
    };
    return { agent, program, input, rec };
  }

  private async planLine(
    trx: Knex.Transaction,
    line: HostInvoiceLine,
    invoice: HostInvoice,
    sales: Awaited<ReturnType<CommissionService['salesContext']>>,
    performerId: number | null,
    rates: Map<string, string | null>,
    /** Why the sales agent may not earn on this invoice, if they may not. */
    salesRefusal: string | null = null,
  ): Promise<Planned[]> {
    const asInvoiced: LineInput = { id: line.id, amount: minor(line.amount_minor), productId: line.product_id, category: line.category };
    let performer: { agent: Agent; program: Program; input: PerformerInput } | null = null;
    if (performerId !== null) {
      const row = await trx(T.agents).where({ id: performerId, status: 'active' }).first();
      if (row) {
        const agent = agentFromRow(row);
        const program = sales && sales.agent.id === agent.id ? sales.program : (await this.programs.get(agent.programId, trx))!;
        performer = { agent, program, input: { agentId: agent.id, tier: agent.tier, certification: agent.certification } };
      }
    }
    const firstOnly: RecurrenceInput = { isFirstInvoice: true, earnedBefore: () => false, withinMonths: () => true };
    const plans: { program: Program; list: (l: LineInput) => LineCommission[]; agentId: number; refusal?: string | null }[] = [];
    if (sales && performer && sales.agent.id === performer.agent.id) {
      plans.push({ program: sales.program, agentId: sales.agent.id, list: (l) => commissionsForLine(sales.program.def, l, sales.input, performer!.input, sales.rec), refusal: salesRefusal });
    } else {
      if (sales) plans.push({ program: sales.program, agentId: sales.agent.id, list: (l) => commissionsForLine(sales.program.def, l, sales.input, null, sales.rec), refusal: salesRefusal });
      // Work performed is paid whenever it is done, whatever the client's referral history.
      if (performer) plans.push({ program: performer.program, agentId: performer.agent.id, list: (l) => commissionsForLine(performer!.program.def, l, null, performer!.input, firstOnly) });
    }
    const out: Planned[] = [];
    for (const plan of plans) {
      const converted = this.inProgramCurrency(asInvoiced, invoice.currency, plan.program, rates);
      const { lineInput, fx } = converted;
      const refusal = plan.refusal ?? converted.refusal;
      const list = plan.list(lineInput);
      if (!list.length) continue;
      if (refusal) {
        // Visible, not dropped: the agent and the admin see why nothing was paid.
        out.push({ line, program: plan.program, commission: null, rejected: { agentId: plan.agentId, reason: refusal } });
        continue;
      }
      for (const c of list) out.push({ line, program: plan.program, base: lineInput.amount, commission: fx ? { ...c, parts: [fx, ...c.parts] } : c });
    }
    return out;
  }

  /**
   * The host's rates from the invoice currency into the currency of each program that may pay on
   * this invoice (the referral's terms, the performers' programs), where that program converts.
   */
  private async ratesFrom(from: string, claim: SalesClaim | null, performerIds: number[]): Promise<Map<string, string | null>> {
    const programs: Program[] = [];
    if (claim) programs.push((await this.programs.at(claim.programId, claim.termsVersion))!);
    for (const id of performerIds) {
      const agent = await this.agents.get(id);
      if (agent) programs.push((await this.programs.get(agent.programId))!);
    }
    const rates = new Map<string, string | null>();
    for (const p of programs) {
      if (p.currency !== from && p.def.convert_currencies && !rates.has(p.currency)) rates.set(p.currency, await this.host.exchangeRate(from, p.currency));
    }
    return rates;
  }

  /** The line in the program's currency, converted at the host's rate when the program says so. */
  private inProgramCurrency(line: LineInput, invoiceCurrency: string, program: Program, rates: Map<string, string | null>): { lineInput: LineInput; fx?: RatePart; refusal?: string } {
    if (invoiceCurrency === program.currency) return { lineInput: line };
    const refusal = `invoice in ${invoiceCurrency}; the program pays ${program.currency}`;
    if (!program.def.convert_currencies || !isCurrency(invoiceCurrency)) return { lineInput: line, refusal };
    const rate = rates.get(program.currency);
    if (!rate) return { lineInput: line, refusal: `${refusal} and the platform has no ${invoiceCurrency}→${program.currency} rate` };
    const amount = convert(line.amount, invoiceCurrency, program.currency, rate);
    return { lineInput: { ...line, amount }, fx: { kind: 'fx', rule: 'fx', fx: { from: invoiceCurrency, rate, originalMinor: line.amount } } };
  }

  private async store(trx: Knex.Transaction, invoice: HostInvoice, p: Planned, paidAt: number, rule: string): Promise<number | null> {
    const availableAt = DateTime.fromMillis(paidAt, { zone: p.program.timezone }).plus({ days: p.program.holdDays }).toMillis();
    const c = p.commission;
    const [id] = await trx(T.commissions).insert({
      agent_id: c ? c.agentId : p.rejected!.agentId,
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
      amount_minor: c ? c.amount : 0,
      adjusted_minor: 0,
      currency: c ? p.program.currency : invoice.currency,
      status: c ? 'pending' : 'rejected',
      reason: p.rejected?.reason ?? null,
      created_at: paidAt,
      available_at: availableAt,
    });
    if (!c) return null;
    await this.ledger.post(trx, {
      idemKey: `earn:${id}`,
      kind: 'earn',
      currency: p.program.currency,
      memo: `invoice ${invoice.id} line ${p.line.id}`,
      commissionId: Number(id),
      postings: [
        { agentId: HOUSE, account: 'commission_expense', amount: neg(c.amount) },
        { agentId: c.agentId, account: 'pending', amount: c.amount },
      ],
    });
    return Number(id);
  }

  /**
   * An admin's commission for work the rules do not see (custom development, add-ons). `key`
   * comes from the form, so that sending it twice adds it once.
   */
  async addManual(agentId: number, amountText: string, reason: string, key: string, clientId = 0): Promise<Commission> {
    const agent = await this.agents.get(agentId);
    if (!agent) throw new RuleError(`agent ${agentId} does not exist`, 'agent_id');
    if (!reason.trim()) throw new RuleError('give a reason', 'reason');
    const program = (await this.programs.get(agent.programId))!;
    let amount: Minor;
    try {
      amount = parseAmount(amountText, program.currency);
    } catch (e) {
      throw new RuleError((e as Error).message, 'amount');
    }
    if (amount <= 0) throw new RuleError('more than zero', 'amount');
    const now = this.clock.now();
    const rule = `manual:${key}`.slice(0, 64);
    const existing = async () => (await this.db(T.commissions).where({ agent_id: agentId, invoice_line_id: 0, rule }).first('id'))?.id;
    const id = await this.db.transaction(async (trx) => {
      const [id] = await trx(T.commissions).insert({
        agent_id: agentId,
        program_id: program.id,
        client_id: clientId,
        invoice_id: 0,
        invoice_line_id: 0,
        rule,
        role: 'manual',
        tier: agent.tier,
        terms_version: program.version,
        base_minor: 0,
        parts: JSON.stringify([{ kind: 'fixed', rule: 'manual', fixedMinor: amount }]),
        amount_minor: amount,
        adjusted_minor: 0,
        currency: program.currency,
        status: 'pending',
        reason: reason.slice(0, 255),
        created_at: now,
        available_at: DateTime.fromMillis(now, { zone: program.timezone }).plus({ days: program.holdDays }).toMillis(),
      });
      await this.ledger.post(trx, {
        idemKey: `earn:${id}`,
        kind: 'earn',
        currency: program.currency,
        memo: `manual: ${reason}`,
        commissionId: Number(id),
        postings: [
          { agentId: HOUSE, account: 'commission_expense', amount: neg(amount) },
          { agentId, account: 'pending', amount },
        ],
      });
      return Number(id);
    }).catch(async (e) => {
      // The same form sent twice: the key is taken, and the first answer stands.
      if (isUniqueViolation(e)) return Number(await existing());
      throw e;
    });
    return (await this.get(id))!;
  }

  /**
   * A refund, whole or partial, takes back the same share of each commission that the refunded
   * lines earned (all lines when the host does not say which): from pending (a void) or, once
   * released, from available (a reversal, which may leave the balance negative: it is deducted
   * from later commissions). Each refund counts once (by the host's refund id). Shares are
   * rounded on the running total, so refunds that add up to the invoice take back all of it.
   * A blocked agent's released money was already forfeited as a balance, so it is not taken twice.
   */
  async onInvoiceRefunded(invoiceId: number, refund: { amountMinor?: number; refundId?: string; lineIds?: number[] } = {}): Promise<number> {
    const invoice = await this.requireInvoice(invoiceId);
    const lines = refund.lineIds ? invoice.lines.filter((l) => refund.lineIds!.includes(l.id)) : invoice.lines;
    if (refund.lineIds && lines.length !== refund.lineIds.length) throw new Error(`invoice ${invoiceId} has no line ${refund.lineIds.find((id) => !lines.some((l) => l.id === id))}`);
    const invoiceTotal = minor(invoice.total_minor);
    const base = minor(lines.reduce((sum, l) => sum + l.amount_minor, 0));
    const refunded = minor(Math.min(refund.amountMinor ?? base, base));
    const key = refund.refundId ?? (refund.amountMinor === undefined && !refund.lineIds ? 'whole' : `amount:${refunded}`);
    try {
      return await this.db.transaction(async (trx) => {
        const [refundRow] = await trx(T.refunds).insert({
          invoice_id: invoiceId,
          refund_key: `${invoiceId}:${key}`,
          amount_minor: refunded,
          line_ids: refund.lineIds ? JSON.stringify(refund.lineIds) : null,
          created_at: this.clock.now(),
        });
        if (base <= 0) return 0;
        const sums = await trx(T.refunds).where({ invoice_id: invoiceId }).select(trx.raw('SUM(amount_minor) as every'), trx.raw('SUM(CASE WHEN line_ids IS NULL THEN amount_minor ELSE 0 END) as spread')).first();
        const everything = minor(sums?.every ?? 0) >= invoiceTotal;
        const spread = minor(Math.min(minor(sums?.spread ?? 0), invoiceTotal));
        const rows = await trx(`${T.commissions} as c`)
          .join(`${T.agents} as a`, 'a.id', 'c.agent_id')
          .where('c.invoice_id', invoiceId)
          .whereIn('c.invoice_line_id', lines.map((l) => l.id))
          .where((q) => q.where('c.status', 'pending').orWhere((q2) => q2.where('c.status', 'available').where('a.status', 'active')))
          .select('c.*')
          .forUpdate();
        let changed = 0;
        for (const c of rows.map(commissionFromRow)) {
          const remaining = remainingOf(c);
          const due = everything
            ? remaining
            : refund.lineIds
              ? share(c.amount, refunded, base)
              : minor(share(c.amount, spread, invoiceTotal) - c.adjusted);
          const take = minor(Math.min(due, remaining));
          if (take <= 0) continue;
          const kind = c.status === 'pending' ? 'void' : 'reverse';
          const adjusted = c.adjusted + take;
          await trx(T.commissions)
            .where({ id: c.id })
            .update({ adjusted_minor: adjusted, status: adjusted === c.amount ? (kind === 'void' ? 'voided' : 'reversed') : c.status });
          await this.ledger.post(trx, {
            idemKey: `refund:${refundRow}:${c.id}`,
            kind,
            currency: c.currency,
            memo: `invoice ${invoiceId} refunded ${everything ? 'in full' : 'in part'}`,
            commissionId: c.id,
            postings: [
              { agentId: c.agentId, account: c.status === 'pending' ? 'pending' : 'available', amount: neg(take) },
              { agentId: HOUSE, account: 'commission_expense', amount: take },
            ],
          });
          changed++;
        }
        return changed;
      });
    } catch (e) {
      if (isUniqueViolation(e)) return 0;
      throw e;
    }
  }

  /** Moves every commission whose hold has passed from pending to available. */
  async releaseDue(batchSize = 500): Promise<number> {
    let released = 0;
    let after = 0;
    for (;;) {
      const due = await this.db(T.commissions)
        .where('status', 'pending')
        .where('available_at', '<=', this.clock.now())
        .where('id', '>', after)
        .orderBy('id')
        .limit(batchSize);
      if (!due.length) return released;
      for (const row of due) {
        after = Number(row.id);
        try {
          await this.db.transaction(async (trx) => {
            const fresh = await trx(T.commissions).where({ id: row.id, status: 'pending' }).forUpdate().first();
            if (!fresh) return;
            const c = commissionFromRow(fresh);
            await trx(T.commissions).where({ id: c.id }).update({ status: 'available' });
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
            released++;
          });
        } catch (e) {
          if (!isUniqueViolation(e)) throw e;
        }
      }
    }
  }

  async get(id: number): Promise<Commission | null> {
    const row = await this.db(T.commissions).where({ id }).first();
    return row ? commissionFromRow(row) : null;
  }

  async listForAgent(agentId: number, limit = 100): Promise<Commission[]> {
    return (await this.db(T.commissions).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(commissionFromRow);
  }

  async forInvoice(invoiceId: number): Promise<Commission[]> {
    return (await this.db(T.commissions).where({ invoice_id: invoiceId }).orderBy('id')).map(commissionFromRow);
  }

  private async requireInvoice(invoiceId: number): Promise<HostInvoice> {
    const invoice = await this.host.getInvoice(invoiceId);
    if (!invoice) throw new Error(`invoice ${invoiceId} does not exist in the host`);
    return invoice;
  }
}
