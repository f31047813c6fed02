import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, isUniqueViolation } from '../core/errors';
import { payoutDue } from './payout-schedule';
import { payoutStatement, type PayoutStatement } from './payout-statement';
import type { Ledger, Posting } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import type { Agent, AgentService } from '../agents/agent-service';
import type { Program, ProgramService } from '../programs/program-service';
import { type Minor, minor, neg, parseAmount, percentOf } from '../money/amount';
import { moneyValue } from '../i18n/lang';
import { AmountError } from '../money/parse';
import { asRow, asRows, num, numberOrNull, oneOf, rowOrNull, stringOrNull, text } from '../db/columns';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';
import { withholdingColumns, type Withholding, type WithholdingDecision } from '../tax';

// in_batch: a line of a payout batch (module/payouts/batches), no longer the agent's to cancel;
// failed: the batch's payment failed and the money went back to available.
// rejected, cancelled: ended by an admin (or cancelled by the agent) before it was paid, the money
// back in available (withdrawal-ending.ts).
export const WITHDRAWAL_STATUSES = ['requested', 'paid', 'forfeited', 'in_batch', 'failed', 'rejected', 'cancelled'] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

export interface Withdrawal {
  id: number;
  agentId: number;
  currency: string;
  amount: Minor;
  taxBp: number;
  tax: Minor;
  status: WithdrawalStatus;
  requestedAt: number;
  paidAt: number | null;
  /** Why it was rejected or cancelled (as the admin wrote it); null otherwise. */
  reason: string | null;
}

function fromRow(value: unknown): Withdrawal {
  const r = asRow(value);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    currency: text(r.currency),
    amount: minor(r.amount_minor),
    taxBp: num(r.tax_bp),
    tax: minor(r.tax_minor),
    status: oneOf(WITHDRAWAL_STATUSES, r.status),
    requestedAt: num(r.requested_at),
    paidAt: numberOrNull(r.paid_at),
    reason: stringOrNull(r.reason),
  };
}

/**
 * An agent asks for part of their available balance; an admin pays it outside the platform and
 * marks it paid, keeping back the program's withholding tax. The request reserves the money in
 * the transaction that checks it, with the balance row locked, so that concurrent requests can
 * never withdraw the same money twice.
 */
export class WithdrawalService {
  constructor(
    private readonly db: Knex,
    private readonly ledger: Ledger,
    private readonly programs: ProgramService,
    private readonly agents: AgentService,
    private readonly clock: Clock,
    private readonly outbox: Outbox = noOutbox,
    /** The tax of each payout from the agent's tax profile (module/tax); null keeps the rate the request was reserved with. */
    private readonly withholding: Withholding | null = null,
  ) {}

  /** The daily cron's part: scheduled payouts for every program that pays on a schedule. */
  async runScheduledPayouts(): Promise<number> {
    let made = 0;
    const agents = await this.agents.list();
    for (const program of await this.programs.list()) made += (await this.generateScheduled(program, agents)).length;
    return made;
  }

  /** An agent's request, for programs that pay on request; the amount as typed in the reader's `locale` ("1 000,50" in ru). */
  async request(agent: Agent, program: Program, amountText: string, locale = 'en'): Promise<Withdrawal> {
    if (program.def.payout.schedule !== 'on_request') {
      throw new RuleError('withdrawals.error.automatic', 'amount', { schedule: program.def.payout.schedule.replace('_', '-') });
    }
    let amount: Minor;
    try {
      amount = parseAmount(amountText, program.currency, locale);
    } catch (e) {
      if (!(e instanceof AmountError)) throw e;
      throw new RuleError(e.key, 'amount', e.vars, { cause: e });
    }
    return this.reserve(agent, program, amount, null);
  }

  /**
   * For programs paid on a schedule: the first cron run on a payout day (the period's first day,
   * or soon after if the cron missed it) pays the whole available balance of every active agent
   * who has reached the threshold. Each agent's payout is a step of its own, kept in the
   * transaction that reserves it: a run that stops half-way is finished by the next one, which
   * pays only those without a step. The period is marked done once every agent has one.
   */
  async generateScheduled(program: Program, agents: Agent[]): Promise<Withdrawal[]> {
    const period = payoutDue(program.def.payout.schedule, this.clock.now(), program.timezone);
    if (!period) return [];
    if (await this.db(T.payoutRuns).where({ program_id: program.id, period }).first('period')) return [];
    const made: Withdrawal[] = [];
    for (const agent of agents) {
      if (agent.programId !== program.id || agent.status !== 'active') continue;
      const paid = await this.payoutStep(agent, program, period);
      if (paid) made.push(paid);
    }
    await this.db(T.payoutRuns).insert({ program_id: program.id, period, ran_at: this.clock.now() }).onConflict(['program_id', 'period']).ignore();
    return made;
  }

  /** One agent's payout for the period, once: null when they are under the threshold or had theirs. */
  private async payoutStep(agent: Agent, program: Program, period: string): Promise<Withdrawal | null> {
    const step = { program_id: program.id, period, agent_id: agent.id };
    try {
      const id = await inTransaction(this.db, async (trx) => {
        // First, so that another node on the same step waits here and then finds it taken.
        await trx(T.payoutSteps).insert({ ...step, outcome: 'below', withdrawal_id: null, created_at: this.clock.now() });
        const available = await this.ledger.balanceIn(trx, agent.id, 'available', program.currency, true);
        if (available <= 0 || available < program.payoutThreshold) return null;
        const wid = await this.reserveIn(trx, agent, program, available, period);
        await trx(T.payoutSteps).where(step).update({ outcome: 'paid', withdrawal_id: wid });
        return wid;
      });
      return id === null ? null : await this.stored(id);
    } catch (e) {
      // Another run took this step (or paid this agent for the period) first: theirs stands.
      if (isUniqueViolation(e)) return null;
      throw e;
    }
  }

  private async reserve(agent: Agent, program: Program, amount: Minor, period: string | null): Promise<Withdrawal> {
    if (agent.status !== 'active') throw new RuleError('withdrawals.error.blocked', 'amount');
    if (amount <= 0) throw new RuleError('withdrawals.error.not_positive', 'amount');
    if (amount < program.payoutThreshold) {
      throw new RuleError('withdrawals.error.below_threshold', 'amount', { amount: moneyValue(program.payoutThreshold, program.currency) });
    }
    return this.stored(await inTransaction(this.db, (trx) => this.reserveIn(trx, agent, program, amount, period)));
  }

  /** Moves the amount from available to reserved under the balance row's lock; the withdrawal's id. */
  private async reserveIn(trx: Knex.Transaction, agent: Agent, program: Program, amount: Minor, period: string | null): Promise<number> {
    const taxBp = program.def.withholding_tax_bp;
    const available = await this.ledger.balanceIn(trx, agent.id, 'available', program.currency, true);
    if (amount > available) {
      throw new RuleError('withdrawals.error.not_available', 'amount', { amount: moneyValue(available < 0 ? 0 : available, program.currency) });
    }
    const [wid] = await trx(T.withdrawals).insert({
      agent_id: agent.id,
      currency: program.currency,
      amount_minor: amount,
      tax_bp: taxBp,
      tax_minor: percentOf(amount, taxBp),
      status: 'requested',
      requested_at: this.clock.now(),
      period,
    });
    await this.ledger.post(trx, {
      idemKey: `reserve:${wid}`,
      kind: 'reserve',
      currency: program.currency,
      memo: period ? `payout ${wid} for ${period}` : `withdrawal ${wid} requested`,
      withdrawalId: Number(wid),
      postings: [
        { agentId: agent.id, account: 'available', amount: neg(amount) },
        { agentId: agent.id, account: 'reserved', amount },
      ],
    });
    return Number(wid);
  }

  async markPaid(withdrawalId: number, adminId: number): Promise<Withdrawal> {
    const decision = await this.withholdingOf(withdrawalId);
    await inTransaction(this.db, async (trx) => {
      const row = rowOrNull(await trx(T.withdrawals).where({ id: withdrawalId }).forUpdate().first());
      if (!row) throw new RuleError('withdrawals.error.missing', undefined, { id: withdrawalId });
      const w = fromRow(row);
      if (w.status !== 'requested') throw new RuleError('withdrawals.error.already', undefined, { id: withdrawalId, status: w.status });
      const tax = decision ? decision.tax : w.tax;
      await trx(T.withdrawals)
        .where({ id: w.id })
        .update({ status: 'paid', paid_at: this.clock.now(), paid_by_admin: adminId, ...(decision ? withholdingColumns(decision) : {}) });
      await this.outbox.add(trx, 'payout.paid', { withdrawal_id: w.id, agent_id: w.agentId, amount_minor: w.amount, tax_minor: tax, currency: w.currency });
      const postings: Posting[] = [
        { agentId: w.agentId, account: 'reserved', amount: neg(w.amount) },
        { agentId: w.agentId, account: 'withdrawn', amount: minor(w.amount - tax) },
      ];
      if (tax > 0) postings.push({ agentId: HOUSE, account: 'withholding_tax', amount: tax });
      await this.ledger.post(trx, {
        idemKey: `pay:${w.id}`,
        kind: 'pay',
        currency: w.currency,
        memo: `withdrawal ${w.id} paid by admin ${adminId}`,
        withdrawalId: w.id,
        postings,
      });
    });
    return this.stored(withdrawalId);
  }

  /**
   * The tax of a requested withdrawal paid now, from the agent's tax profile on the payout day.
   * Decided before markPaid's transaction, outside its locks: the gross never changes, and a
   * withdrawal no longer requested is refused inside it.
   */
  private async withholdingOf(id: number): Promise<WithholdingDecision | null> {
    const w = await this.get(id);
    if (!this.withholding || !w || w.status !== 'requested') return null;
    const agent = await this.agents.get(w.agentId);
    const program = agent ? await this.programs.get(agent.programId) : null;
    return program ? this.withholding.forPayout(w.agentId, program, w.amount) : null;
  }

  async get(id: number): Promise<Withdrawal | null> {
    const row = rowOrNull(await this.db(T.withdrawals).where({ id }).first());
    return row ? fromRow(row) : null;
  }

  /** A withdrawal just written: withdrawals are never deleted, so its absence is a broken database. */
  private async stored(id: number): Promise<Withdrawal> {
    const w = await this.get(id);
    if (!w) throw new Error(`withdrawal ${id}, just written, cannot be read back`);
    return w;
  }

  /** The agent's statement: below the threshold, available, requested, paid gross, tax and net. */
  statement(agent: { id: number; status: string }, program: Pick<Program, 'currency' | 'def' | 'payoutThreshold'>): Promise<PayoutStatement> {
    return payoutStatement(this.db, this.ledger, agent, program);
  }

  async listForAgent(agentId: number, limit = 50): Promise<Withdrawal[]> {
    return asRows(await this.db(T.withdrawals).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(fromRow);
  }

  async listRequested(): Promise<Withdrawal[]> {
    return asRows(await this.db(T.withdrawals).where({ status: 'requested' }).orderBy('id')).map(fromRow);
  }
}
