import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import { asRow, asRows, num, numberOrNull, stringOrNull, text } from '../db/columns';
import { minor, sub, type Minor } from '../money/amount';

/** A paid payout as the tax documents show it: gross, tax, net and why. */
export interface TaxedPayout {
  id: number;
  agentId: number;
  programId: number;
  currency: string;
  gross: Minor;
  rateBp: number;
  tax: Minor;
  net: Minor;
  requestedAt: number;
  paidAt: number;
  /** The schedule's period (2026-03) of a scheduled payout; null for a request. */
  period: string | null;
  profileId: number | null;
  basis: { key: string; vars: Record<string, string | number> } | null;
}

const COLUMNS = ['w.id', 'w.agent_id', 'a.program_id', 'w.currency', 'w.amount_minor', 'w.tax_bp', 'w.tax_minor', 'w.requested_at', 'w.paid_at', 'w.period', 'w.tax_profile_id', 'w.tax_basis'];

/** The stored basis, or null when there is none or it does not read as one (the statement then gives the plain reason). */
function basisOf(stored: string | null): TaxedPayout['basis'] {
  if (stored === null) return null;
  try {
    const b = JSON.parse(stored) as unknown;
    if (b && typeof b === 'object' && 'key' in b && typeof b.key === 'string' && 'vars' in b && b.vars && typeof b.vars === 'object') {
      return { key: b.key, vars: b.vars as Record<string, string | number> };
    }
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
  }
  return null;
}

export function taxedPayout(value: unknown): TaxedPayout {
  const r = asRow(value);
  const gross = minor(r.amount_minor);
  const tax = minor(r.tax_minor);
  const basis = stringOrNull(r.tax_basis);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    programId: num(r.program_id),
    currency: text(r.currency),
    gross,
    rateBp: num(r.tax_bp),
    tax,
    net: sub(gross, tax),
    requestedAt: num(r.requested_at),
    paidAt: num(r.paid_at),
    period: stringOrNull(r.period),
    profileId: numberOrNull(r.tax_profile_id),
    basis: basisOf(basis),
  };
}

/** The first and the last millisecond of a span of calendar days in a zone (inclusive days, yyyy-mm-dd). */
export function daySpan(from: string, to: string, zone: string): { start: number; end: number } {
  return {
    start: DateTime.fromISO(from, { zone }).startOf('day').toMillis(),
    end: DateTime.fromISO(to, { zone }).endOf('day').toMillis(),
  };
}

/** Paid payouts only: a requested one has no tax kept back yet, a forfeited one paid nothing. */
function paid(db: Knex) {
  return db({ w: T.withdrawals }).join({ a: T.agents }, 'a.id', 'w.agent_id').where('w.status', 'paid');
}

export class TaxPayouts {
  constructor(private readonly db: Knex) {}

  async get(id: number): Promise<TaxedPayout | null> {
    const row: unknown = await paid(this.db).where('w.id', id).first(COLUMNS);
    return row ? taxedPayout(row) : null;
  }

  /** The agent's payouts paid in a calendar year of the program's zone, oldest first. */
  async ofAgentYear(agentId: number, year: number, zone: string): Promise<TaxedPayout[]> {
    const { start, end } = daySpan(`${year}-01-01`, `${year}-12-31`, zone);
    return asRows(await paid(this.db).where('w.agent_id', agentId).whereBetween('w.paid_at', [start, end]).orderBy('w.paid_at').orderBy('w.id').select(COLUMNS)).map(taxedPayout);
  }

  /** The agents paid between two instants: the report names them before it streams (SQLite has one connection). */
  async agentsPaidBetween(start: number, end: number): Promise<number[]> {
    return asRows(await paid(this.db).whereBetween('w.paid_at', [start, end]).distinct('w.agent_id')).map((r) => num(r.agent_id));
  }

  /**
   * Every payout paid between two instants, oldest first, as a stream: a provider's year can hold
   * hundreds of thousands of payouts, and the report must not hold them all at once.
   */
  streamPaidBetween(start: number, end: number): AsyncIterable<unknown> {
    return paid(this.db).whereBetween('w.paid_at', [start, end]).orderBy('w.paid_at').orderBy('w.id').select(COLUMNS).stream();
  }
}
