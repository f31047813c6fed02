import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRow, asRows, json, num, numberOrNull, rowOrNull, stringOrNull, text } from '../db/columns';
import { isUniqueViolation } from '../core/errors';

/** One change of an agent's tier, as the history keeps it. */
export interface TierChange {
  id: number;
  agentId: number;
  programId: number;
  fromTier: string | null;
  toTier: string;
  effectiveOn: string;
  effectiveAt: number;
  appliedAt: number | null;
  rule: 'evaluation' | 'mid_period_upgrade' | 'admin' | 'restart';
  period: string | null;
  figures: { salesMinor: number; currency: string; months: number; newCustomers: number; paidOrders: number } | null;
  keptUntil: string | null;
  actor: string;
  reason: string;
  createdAt: number;
}

/** appliedAt: set when the change is recorded already in effect (its effects made in the same transaction). */
export type NewTierChange = Omit<TierChange, 'id' | 'appliedAt'> & { decisionKey: string | null; appliedAt?: number | null };

const RULES = ['evaluation', 'mid_period_upgrade', 'admin', 'restart'] as const;

function figuresOf(v: unknown): TierChange['figures'] {
  if (v === null || v === undefined || v === '') return null;
  const f = asRow(json(v));
  return { salesMinor: num(f.salesMinor), currency: text(f.currency), months: num(f.months), newCustomers: num(f.newCustomers), paidOrders: num(f.paidOrders) };
}

export function changeFromRow(row: unknown): TierChange {
  const r = asRow(row);
  const rule = RULES.find((x) => x === r.rule);
  if (!rule) throw new TypeError(`unknown tier change rule ${String(r.rule)}`);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    programId: num(r.program_id),
    fromTier: stringOrNull(r.from_tier),
    toTier: text(r.to_tier),
    effectiveOn: text(r.effective_on),
    effectiveAt: num(r.effective_at),
    appliedAt: numberOrNull(r.applied_at),
    rule,
    period: stringOrNull(r.period),
    figures: figuresOf(r.figures),
    keptUntil: stringOrNull(r.kept_until),
    actor: text(r.actor),
    reason: text(r.reason),
    createdAt: num(r.created_at),
  };
}

function rowOf(c: NewTierChange) {
  return {
    agent_id: c.agentId,
    program_id: c.programId,
    from_tier: c.fromTier,
    to_tier: c.toTier,
    effective_on: c.effectiveOn,
    effective_at: c.effectiveAt,
    applied_at: c.appliedAt ?? null,
    rule: c.rule,
    period: c.period,
    figures: c.figures ? JSON.stringify(c.figures) : null,
    kept_until: c.keptUntil,
    actor: c.actor,
    reason: c.reason.slice(0, 255),
    decision_key: c.decisionKey,
    created_at: c.createdAt,
  };
}

/** The tier history: written once per decision (its key), read newest first. */
export class TierHistory {
  constructor(private readonly db: Knex) {}

  /** Records a change; null when the decision's key is taken (another run or node made it). */
  async record(trx: Knex | Knex.Transaction, c: NewTierChange): Promise<number | null> {
    try {
      const [id] = await trx(T.tierHistory).insert(rowOf(c));
      return id ?? null;
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return null;
    }
  }

  /**
   * Records decided changes in one statement, and gives back their ids by agent; null when a key
   * was taken (the statement then wrote nothing, and the caller records them one by one).
   */
  async recordMany(trx: Knex.Transaction, cs: (NewTierChange & { decisionKey: string })[]): Promise<Map<number, number> | null> {
    if (!cs.length) return new Map();
    try {
      await trx(T.tierHistory).insert(cs.map(rowOf));
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return null;
    }
    const keys = new Map(cs.map((c) => [c.agentId, c.decisionKey]));
    const rows = asRows(
      await trx(T.tierHistory)
        .whereIn('agent_id', [...keys.keys()])
        .whereIn('decision_key', [...new Set(keys.values())])
        .select('id', 'agent_id', 'decision_key'),
    );
    return new Map(rows.filter((r) => keys.get(num(r.agent_id)) === text(r.decision_key)).map((r) => [num(r.agent_id), num(r.id)]));
  }

  async forAgent(agentId: number, db: Knex | Knex.Transaction = this.db): Promise<TierChange[]> {
    return asRows(await db(T.tierHistory).where({ agent_id: agentId }).orderBy('id', 'desc')).map(changeFromRow);
  }

  /** Each agent's latest change of the program (applied or waiting for its day), in one query. */
  async latestOfProgram(programId: number): Promise<Map<number, TierChange>> {
    // A join on the grouped ids rather than IN (subquery), which MariaDB may run once per row.
    const latest = this.db(T.tierHistory).where({ program_id: programId }).groupBy('agent_id').max({ id: 'id' }).as('m');
    const rows = asRows(await this.db(`${T.tierHistory} as h`).join(latest, 'm.id', 'h.id').select('h.*'));
    return new Map(rows.map(changeFromRow).map((c) => [c.agentId, c]));
  }

  /** Changes whose day has come and that are not applied yet, oldest first. */
  async due(now: number, limit = 500): Promise<TierChange[]> {
    return asRows(await this.db(T.tierHistory).whereNull('applied_at').where('effective_at', '<=', now).orderBy('id').limit(limit)).map(changeFromRow);
  }

  /**
   * The tier a change recorded for the agent puts them on by `at`, when the cron has not applied
   * it yet (a payment at 00:05 on the day it takes effect); null when none is waiting.
   */
  async waitingTierAt(agentId: number, at: number, db: Knex | Knex.Transaction = this.db): Promise<string | null> {
    const row = rowOrNull(
      await db(T.tierHistory).where({ agent_id: agentId }).whereNull('applied_at').where('effective_at', '<=', at).orderBy('effective_at', 'desc').orderBy('id', 'desc').first('to_tier'),
    );
    return row ? text(row.to_tier) : null;
  }

  async get(id: number, db: Knex | Knex.Transaction = this.db): Promise<TierChange | null> {
    const row = rowOrNull(await db(T.tierHistory).where({ id }).first());
    return row ? changeFromRow(row) : null;
  }
}
