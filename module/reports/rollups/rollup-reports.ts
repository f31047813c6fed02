import type { Knex } from 'knex';
import { asRows, num, text } from '../../db/columns';
import { T } from '../../db/tables';
import type { RollupFold } from './rollup-fold';

/** What a report is grouped by: a calendar unit or a dimension. */
export const GROUPS = ['day', 'month', 'program', 'source', 'country'] as const;
export type Group = (typeof GROUPS)[number];

export interface ReportQuery {
  /** Inclusive calendar days, YYYY-MM-DD, in each program's time zone (as the roll-ups file them). */
  from: string;
  to: string;
  group: Group;
  programId?: number;
  source?: string;
  country?: string;
}

export interface Figures {
  clicks: number;
  signups: number;
  qualified: number;
  paying: number;
  /** Per currency: earned and reversed, in minor units. */
  money: Map<string, { earned: number; reversed: number }>;
}

export interface ReportRow extends Figures {
  /** The group's value: a day, a month (YYYY-MM), a program id, a source, a country ('' = none/unknown). */
  key: string;
}

function emptyFigures(): Figures {
  return { clicks: 0, signups: 0, qualified: 0, paying: 0, money: new Map() };
}

function addRow(f: Figures, r: Record<string, unknown>): void {
  f.clicks += num(r.clicks);
  f.signups += num(r.signups);
  f.qualified += num(r.qualified);
  f.paying += num(r.paying);
  const cur = text(r.currency);
  const earned = num(r.earned_minor);
  const reversed = num(r.reversed_minor);
  if (earned || reversed) {
    const m = f.money.get(cur) ?? { earned: 0, reversed: 0 };
    m.earned += earned;
    m.reversed += reversed;
    f.money.set(cur, m);
  }
}

const SUMS = ['clicks', 'signups', 'qualified', 'paying', 'earned_minor', 'reversed_minor'] as const;

/**
 * The agent's figures from the daily roll-ups only: each read first folds what the ledger and the
 * referrals hold past the cursor, so that a report is never behind them. Sums are grouped in the
 * database (one row per group and currency), so a read costs the days asked for, not the history.
 */
export class RollupReports {
  constructor(
    private readonly db: Knex,
    private readonly fold: Pick<RollupFold, 'fold'>,
  ) {}

  private base(agentId: number, q: Omit<ReportQuery, 'group'>): Knex.QueryBuilder {
    const b = this.db(T.dailyRollups).where({ agent_id: agentId }).whereBetween('day', [q.from, q.to]);
    if (q.programId !== undefined) void b.where({ program_id: q.programId });
    if (q.source !== undefined) void b.where({ source: q.source });
    if (q.country !== undefined) void b.where({ country: q.country });
    return b;
  }

  private sums(b: Knex.QueryBuilder): Knex.QueryBuilder {
    for (const s of SUMS) void b.sum({ [s]: s });
    return b;
  }

  /** The totals of a period. */
  async totals(agentId: number, q: Omit<ReportQuery, 'group'>): Promise<Figures> {
    await this.fold.fold();
    const rows = asRows(await this.sums(this.base(agentId, q).groupBy('currency').select('currency')));
    const f = emptyFigures();
    for (const r of rows) addRow(f, r);
    return f;
  }

  /** One row per group (and the currencies within it), in the group's natural order. */
  async report(agentId: number, q: ReportQuery): Promise<ReportRow[]> {
    await this.fold.fold();
    // q.group is one of GROUPS (parsed), so the expression is one of these four, never input.
    const expr = q.group === 'month' ? 'substr(day, 1, 7)' : q.group === 'program' ? 'program_id' : q.group;
    const b = this.base(agentId, q)
      .select(this.db.raw(`${expr} as k`), 'currency')
      .groupByRaw(`${expr}, currency`);
    const rows = asRows(await this.sums(b));
    const byKey = new Map<string, ReportRow>();
    for (const r of rows) {
      const key = text(r.k);
      const row = byKey.get(key) ?? { key, ...emptyFigures() };
      addRow(row, r);
      byKey.set(key, row);
    }
    const list = [...byKey.values()];
    return q.group === 'day' || q.group === 'month'
      ? list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      : list.sort((a, b) => b.clicks - a.clicks || b.signups - a.signups || (a.key < b.key ? -1 : 1));
  }

  /** The sources and countries the agent has figures under, for the report's filters. */
  async dimensions(agentId: number): Promise<{ sources: string[]; countries: string[]; programIds: number[] }> {
    const [sources, countries, programs] = await Promise.all([
      this.db(T.dailyRollups).where({ agent_id: agentId }).distinct('source').orderBy('source').limit(200),
      this.db(T.dailyRollups).where({ agent_id: agentId }).distinct('country').orderBy('country').limit(300),
      this.db(T.dailyRollups).where({ agent_id: agentId }).distinct('program_id').orderBy('program_id'),
    ]);
    return { sources: asRows(sources).map((r) => text(r.source)), countries: asRows(countries).map((r) => text(r.country)), programIds: asRows(programs).map((r) => num(r.program_id)) };
  }
}

export { emptyFigures };
