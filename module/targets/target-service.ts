import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, isUniqueViolation } from '../core/errors';
import { inTransaction } from '../db/transaction';
import type { Program, ProgramService } from '../programs/program-service';
import { formatAmount, parseAmount } from '../money/amount';
import { currency } from '../money/currencies';
import { asRows, num, rowOrNull, stringOrNull, text } from '../db/columns';
import { agentFromRow, type Agent } from '../agents/agent-service';
import type { TargetBonusService } from '../commissions/target-bonus-service';
import { measureMonth, meetsTargets, SALES_ROLES, STANDING, type MonthFigures } from './month-figures';
import { endedMonths, monthName, monthOf, type Month } from './month';

/** How long after a month's close a sale of it that was worked out late still gets its bonus. */
const LATE_DAYS = 7;
const DAY_MS = 86_400_000;

/** A month's result for an agent: the figures, and whether the targets were met and who decided. */
export interface MonthResult {
  figures: MonthFigures;
  /** The tier whose targets were applied: the one the month's last sale was made at. */
  tier: string | null;
  met: boolean;
  decidedBy: 'measured' | 'override';
  /** Why, in the words that go on each bonus line. */
  why: string;
}

/**
 * Cloud One's monthly targets, measured: after a month ends (program time zone), each agent's paid
 * sales and new paying customers of that month are compared with their tier's targets, and when
 * met every sale of the month earns the tier's target bonus as a line of its own (TargetBonusService).
 * The admin's old "targets met" checkbox is the override: met or not met for a month, with a reason,
 * logged, and applied at once to a month already closed. The daily cron closes each month once
 * per agent (target_months) and per program (target_runs), oldest first, on any number of nodes.
 */
export class TargetService {
  constructor(
    private readonly db: Knex,
    private readonly programs: Pick<ProgramService, 'get' | 'list'>,
    private readonly bonuses: Pick<TargetBonusService, 'grant' | 'withdraw'>,
    private readonly clock: Clock,
  ) {}

  /** The daily cron's step: closes every ended month not closed yet, for every program that pays a target bonus. */
  async closeDue(): Promise<{ months: number; bonuses: number }> {
    let months = 0;
    let bonuses = 0;
    for (const program of await this.programs.list()) {
      if (!program.def.tiers.some((t) => t.target_bonus_bp > 0)) continue;
      const created = rowOrNull(await this.db(T.programs).where({ id: program.id }).first('created_at'));
      const done = new Set(await this.db(T.targetRuns).where({ program_id: program.id }).pluck('month'));
      const ended = endedMonths(num(created?.created_at ?? this.clock.now()), this.clock.now(), program.timezone);
      for (const month of ended) {
        if (done.has(month.key)) continue;
        bonuses += await this.closeMonth(program, month);
        months++;
      }
      const last = ended.at(-1);
      if (last && done.has(last.key) && this.clock.now() < last.end + LATE_DAYS * DAY_MS) bonuses += await this.grantLate(program, last);
    }
    return { months, bonuses };
  }

  /**
   * An admin's decision on a month's targets (met: true or false), or its withdrawal (null: the
   * figures decide again), with a reason kept in the target log. A month already closed is
   * settled again at once: bonus lines added, or taken back.
   */
  async override(agentId: number, monthKey: string, met: boolean | null, reason: string, actor: string): Promise<void> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const agentRow: unknown = await this.db(T.agents).where({ id: agentId }).first();
    if (!agentRow) throw new RuleError('errors.agent_missing', 'agent_id', { agent: agentId });
    const agent = agentFromRow(agentRow);
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agentId} is missing`);
    const month = monthOf(monthKey, program.timezone);
    const now = this.clock.now();
    await inTransaction(this.db, async (trx) => {
      if (met === null) await trx(T.targets).where({ agent_id: agentId, month: month.key }).delete();
      else {
        const row = { met, reason: reason.slice(0, 255), actor: actor.slice(0, 120), created_at: now };
        await trx(T.targets)
          .insert({ agent_id: agentId, month: month.key, ...row })
          .onConflict(['agent_id', 'month'])
          .merge(row);
      }
      await trx(T.targetLog).insert({ agent_id: agentId, month: month.key, met, reason: reason.slice(0, 255), actor: actor.slice(0, 120), created_at: now });
      const closed = rowOrNull(await trx(T.targetMonths).where({ agent_id: agentId, month: month.key }).forUpdate().first('met'));
      if (closed) await this.settle(trx, agent, program, month, 'again');
    });
  }

  /** The month's result as it stands (closed or not): for the admin's and the agent's pages. */
  async result(agentId: number, monthKey: string): Promise<MonthResult | null> {
    const row: unknown = await this.db(T.agents).where({ id: agentId }).first();
    if (!row) return null;
    const agent = agentFromRow(row);
    const program = await this.programs.get(agent.programId);
    return program ? this.decide(this.db, agent, program, monthOf(monthKey, program.timezone)) : null;
  }

  /** Every agent of the program with a sale in the month, each once; then the month is the program's done. */
  private async closeMonth(program: Program, month: Month): Promise<number> {
    let bonuses = 0;
    const agentIds = await this.db(T.commissions)
      .where({ program_id: program.id })
      .whereIn('role', SALES_ROLES)
      .whereIn('status', STANDING)
      .where('created_at', '>=', month.start)
      .where('created_at', '<', month.end)
      .distinct()
      .pluck('agent_id');
    for (const id of agentIds.map(num).sort((a, b) => a - b)) {
      if (await this.db(T.targetMonths).where({ agent_id: id, month: month.key }).first('met')) continue;
      try {
        bonuses += await inTransaction(this.db, async (trx) => {
          const row: unknown = await trx(T.agents).where({ id, status: 'active' }).forUpdate().first();
          if (!row) return 0;
          return this.settle(trx, agentFromRow(row), program, month, 'first');
        });
      } catch (e) {
        // Another node closed this agent's month at the same moment: its row and lines stand.
        if (!isUniqueViolation(e)) throw e;
      }
    }
    await this.db(T.targetRuns).insert({ program_id: program.id, month: month.key, ran_at: this.clock.now() }).onConflict(['program_id', 'month']).ignore();
    return bonuses;
  }

  /**
   * A sale of a month already closed as met whose InvoicePaid was worked out after the close (a
   * hook that ran late, or the reconciliation of a crash) earns its bonus in the days after it.
   */
  private async grantLate(program: Program, month: Month): Promise<number> {
    let granted = 0;
    const met = (await this.db(T.targetMonths).where({ program_id: program.id, month: month.key, met: true }).orderBy('agent_id').pluck('agent_id')).map(num);
    for (const id of met) {
      granted += await inTransaction(this.db, async (trx) => {
        const row: unknown = await trx(T.agents).where({ id, status: 'active' }).forUpdate().first();
        if (!row) return 0;
        const r = await this.decide(trx, agentFromRow(row), program, month);
        return (await this.bonuses.grant(trx, id, month, r.why)) > 0 ? 1 : 0;
      });
    }
    return granted;
  }

  /** Records the month's result and makes the bonus lines agree with it; returns the lines written. */
  private async settle(trx: Knex.Transaction, agent: Agent, program: Program, month: Month, time: 'first' | 'again'): Promise<number> {
    const r = await this.decide(trx, agent, program, month);
    const row = { sales_minor: r.figures.sales, currency: r.figures.currency, new_customers: r.figures.newCustomers, met: r.met, decided_by: r.decidedBy, closed_at: this.clock.now() };
    // The first close inserts: a second node's insert of the same key fails and rolls its work back.
    if (time === 'first') await trx(T.targetMonths).insert({ agent_id: agent.id, month: month.key, program_id: program.id, ...row });
    else await trx(T.targetMonths).where({ agent_id: agent.id, month: month.key }).update(row);
    if (!r.met) {
      await this.bonuses.withdraw(trx, agent.id, month, r.why);
      return 0;
    }
    return (await this.bonuses.grant(trx, agent.id, month, r.why)) > 0 ? 1 : 0;
  }

  private async decide(db: Knex | Knex.Transaction, agent: Agent, program: Program, month: Month): Promise<MonthResult> {
    const figures = await measureMonth(db, agent.id, program.currency, month);
    const last = rowOrNull(
      await db(T.commissions)
        .where({ agent_id: agent.id })
        .whereIn('role', SALES_ROLES)
        .where('created_at', '>=', month.start)
        .where('created_at', '<', month.end)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .first('tier'),
    );
    const tierKey = last ? stringOrNull(last.tier) : agent.tier;
    const tier = program.def.tiers.find((t) => t.key === tierKey);
    const override = rowOrNull(await db(T.targets).where({ agent_id: agent.id, month: month.key }).first('met', 'reason'));
    const name = monthName(month, program.timezone);
    if (override) {
      const met = num(override.met) !== 0;
      const why = `${name}: targets ${met ? 'met' : 'not met'} by an admin's decision (${text(override.reason ?? '')})`;
      return { figures, tier: tierKey, met, decidedBy: 'override', why };
    }
    const met = meetsTargets(tier, figures) ?? false;
    return { figures, tier: tierKey, met, decidedBy: 'measured', why: explain(name, met, figures, tier?.requirements) };
  }

  /** An agent's closed months, newest first, for the admin's page. */
  async closedMonths(agentId: number, limit = 12): Promise<{ month: string; sales: number; currency: string; newCustomers: number; met: boolean; decidedBy: string }[]> {
    return asRows(await this.db(T.targetMonths).where({ agent_id: agentId }).orderBy('month', 'desc').limit(limit)).map((r) => ({
      month: text(r.month),
      sales: num(r.sales_minor),
      currency: text(r.currency),
      newCustomers: num(r.new_customers),
      met: num(r.met) !== 0,
      decidedBy: text(r.decided_by),
    }));
  }
}

/** "March 2026: targets met: sales KES 2,012,000.00 (target KES 2,000,000.00), 5 new customers (target 5)". */
function explain(name: string, met: boolean, f: MonthFigures, req: { sales_per_month?: string | undefined; new_customers_per_month?: number | undefined } | undefined): string {
  const cur = currency(f.currency);
  const sales = `sales ${formatAmount(f.sales, cur)}${req?.sales_per_month === undefined ? '' : ` (target ${formatAmount(parseAmount(req.sales_per_month, cur), cur)})`}`;
  const customers = `${f.newCustomers} new customer${f.newCustomers === 1 ? '' : 's'}${req?.new_customers_per_month === undefined ? '' : ` (target ${req.new_customers_per_month})`}`;
  return `${name}: targets ${met ? 'met' : 'not met'}: ${sales}, ${customers}`;
}
