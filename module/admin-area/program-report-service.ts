import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { HOUSE } from '../ledger/accounts';
import { asRows, num, text } from '../db/columns';
import type { Program, ProgramService } from '../programs/program-service';
import type { ProgramDefinition } from '../programs/definition';

/** A half-open period [from, to) in epoch ms. */
export interface Period {
  from: number;
  to: number;
}

/** What the provider owes its agents in one currency, from the ledger's balances (minor units). */
export interface Liability {
  currency: string;
  pending: number;
  available: number;
  requested: number;
  total: number;
}

/** Withdrawal requests waiting, by the day they were asked for. */
export interface DueRequests {
  date: string;
  currency: string;
  count: number;
  amount: number;
}

/** A program's next scheduled payout: who is above the threshold now, and how much they hold. */
export interface ScheduledPayout {
  programId: number;
  program: string;
  schedule: string;
  date: string;
  currency: string;
  agents: number;
  amount: number;
}

export interface TopAgent {
  agentId: number;
  currency: string;
  commissions: number;
  earned: number;
}

/** Clicks → sign-ups → paying customers of one program in the period (sign-ups made in it). */
export interface Funnel {
  programId: number;
  program: string;
  currency: string;
  clicks: number;
  signups: number;
  paying: number;
  earned: number;
}

/** Earned means every commission made in the period except those never entered in the ledger. */
const NOT_EARNED = ['rejected'];

/**
 * The admin's program report. Money comes from the ledger's balances (one row per agent, account
 * and currency, not the entries); the period's figures from indexed ranges: commissions by
 * created_at (migration 026), clicks and referrals by (agent_id, created_at) one program at a time.
 * No daily roll-ups exist yet (migration 025 is another helper's), so the period is read raw.
 */
export class ProgramReportService {
  constructor(
    private readonly db: Knex,
    private readonly programs: Pick<ProgramService, 'list'>,
    private readonly clock: Clock,
  ) {}

  /** Today, for the report's period and the next payout dates. */
  now(): number {
    return this.clock.now();
  }

  async liability(): Promise<Liability[]> {
    const rows = asRows(
      await this.db(T.balances)
        .whereNot('agent_id', HOUSE)
        .whereIn('account', ['pending', 'available', 'reserved'])
        .groupBy('currency', 'account')
        .select('currency', 'account')
        .sum({ total: 'balance_minor' }),
    );
    const out = new Map<string, Liability>();
    for (const r of rows) {
      const cur = text(r.currency);
      const l = out.get(cur) ?? { currency: cur, pending: 0, available: 0, requested: 0, total: 0 };
      const amount = num(r.total);
      if (r.account === 'pending') l.pending += amount;
      else if (r.account === 'available') l.available += amount;
      else l.requested += amount;
      l.total += amount;
      out.set(cur, l);
    }
    return [...out.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  }

  /** Requests waiting to be paid, oldest day first (the day in UTC). */
  async dueRequests(): Promise<DueRequests[]> {
    const rows = asRows(await this.db(T.withdrawals).where({ status: 'requested' }).orderBy('requested_at').limit(10_000).select('currency', 'amount_minor', 'requested_at'));
    const out = new Map<string, DueRequests>();
    for (const r of rows) {
      const date = DateTime.fromMillis(num(r.requested_at), { zone: 'UTC' }).toISODate() ?? '';
      const key = `${date} ${text(r.currency)}`;
      const d = out.get(key) ?? { date, currency: text(r.currency), count: 0, amount: 0 };
      d.count += 1;
      d.amount += num(r.amount_minor);
      out.set(key, d);
    }
    return [...out.values()];
  }

  /** Each scheduled program's next payout day and what it would pay if it were today. */
  async scheduled(now: number): Promise<ScheduledPayout[]> {
    const out: ScheduledPayout[] = [];
    for (const p of await this.programs.list()) {
      const date = nextPayoutDate(p.def.payout.schedule, now, p.timezone);
      if (!date) continue;
      const row = asRows(
        await this.db(`${T.balances} as b`)
          .join(`${T.agents} as a`, 'a.id', 'b.agent_id')
          .where({ 'a.program_id': p.id, 'a.status': 'active', 'b.account': 'available', 'b.currency': p.currency })
          .where('b.balance_minor', '>=', Number(p.payoutThreshold))
          .where('b.balance_minor', '>', 0)
          .count({ n: '*' })
          .sum({ total: 'b.balance_minor' }),
      )[0];
      out.push({ programId: p.id, program: p.name, schedule: p.def.payout.schedule, date, currency: p.currency, agents: row ? num(row.n) : 0, amount: row && row.total !== null ? num(row.total) : 0 });
    }
    return out.sort((a, b) => a.date.localeCompare(b.date));
  }

  /**
   * The agents who earned most in the period, at most `limit` per currency (amounts in different
   * currencies are not compared), currencies in alphabetical order.
   */
  async topAgents(period: Period, limit = 10): Promise<TopAgent[]> {
    const rows = asRows(
      await this.db(T.commissions)
        .where('created_at', '>=', period.from)
        .where('created_at', '<', period.to)
        .whereNotIn('status', NOT_EARNED)
        .groupBy('agent_id', 'currency')
        .select('agent_id', 'currency')
        .count({ n: '*' })
        .sum({ earned: 'amount_minor' }),
    );
    const all = rows.map((r) => ({ agentId: num(r.agent_id), currency: text(r.currency), commissions: num(r.n), earned: num(r.earned) }));
    all.sort((a, b) => a.currency.localeCompare(b.currency) || b.earned - a.earned || a.agentId - b.agentId);
    const seen = new Map<string, number>();
    return all.filter((a) => {
      const n = (seen.get(a.currency) ?? 0) + 1;
      seen.set(a.currency, n);
      return n <= limit;
    });
  }

  async funnel(period: Period): Promise<Funnel[]> {
    const out: Funnel[] = [];
    for (const p of await this.programs.list()) out.push(await this.funnelOf(p, period));
    return out;
  }

  private async funnelOf(p: Program, period: Period): Promise<Funnel> {
    const agentIds = this.db(T.agents).where({ program_id: p.id }).select('id');
    const one = async (q: Knex.QueryBuilder, col: string): Promise<number> => {
      const row = asRows(await q)[0];
      return row && row[col] !== null ? num(row[col]) : 0;
    };
    const inPeriod = (q: Knex.QueryBuilder) => q.where('created_at', '>=', period.from).where('created_at', '<', period.to);
    const [clicks, signups, paying, earned] = await Promise.all([
      one(inPeriod(this.db(T.clicks).whereIn('agent_id', agentIds)).count({ n: '*' }), 'n'),
      one(inPeriod(this.db(T.referrals).whereIn('agent_id', agentIds).where({ program_id: p.id })).count({ n: '*' }), 'n'),
      one(inPeriod(this.db(T.referrals).whereIn('agent_id', agentIds).where({ program_id: p.id }).whereNotNull('first_paid_invoice_id')).count({ n: '*' }), 'n'),
      one(inPeriod(this.db(T.commissions).whereIn('agent_id', agentIds).where({ currency: p.currency }).whereNotIn('status', NOT_EARNED)).sum({ s: 'amount_minor' }), 's'),
    ]);
    return { programId: p.id, program: p.name, currency: p.currency, clicks, signups, paying, earned };
  }
}

/** The first day of the next payout period (the day the schedule pays), in the program's zone. */
export function nextPayoutDate(schedule: ProgramDefinition['payout']['schedule'], now: number, zone: string): string | null {
  const d = DateTime.fromMillis(now, { zone });
  switch (schedule) {
    case 'on_request':
      return null;
    case 'monthly':
      return d.startOf('month').plus({ months: 1 }).toISODate();
    case 'semi_monthly':
      return (d.day < 15 ? d.startOf('month').set({ day: 15 }) : d.startOf('month').plus({ months: 1 })).toISODate();
    case 'quarterly':
      return d.startOf('quarter').plus({ quarters: 1 }).toISODate();
  }
}
