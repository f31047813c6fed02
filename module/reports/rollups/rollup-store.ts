import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { dialectOf } from '../../db/connection';
import { T } from '../../db/tables';

/** The figures one roll-up row adds up; the dimensions are its key. */
export const MEASURES = ['clicks', 'signups', 'qualified', 'paying', 'earned_minor', 'reversed_minor'] as const;
export type Measure = (typeof MEASURES)[number];

export interface RollupKey {
  agent_id: number;
  program_id: number;
  source: string;
  country: string;
  day: string;
  currency: string;
}

export type RollupDelta = RollupKey & Partial<Record<Measure, number>>;

/** The calendar day (YYYY-MM-DD) of a moment in a time zone. */
export function dayIn(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd');
}

const keyOf = (d: RollupKey) => [d.agent_id, d.program_id, d.source, d.country, d.day, d.currency].join('\u0000');

/** Adds deltas with the same key together, so that one statement writes each row once. */
export function mergeDeltas(deltas: Iterable<RollupDelta>): RollupDelta[] {
  const merged = new Map<string, RollupDelta>();
  for (const d of deltas) {
    const k = keyOf(d);
    const m = merged.get(k) ?? { agent_id: d.agent_id, program_id: d.program_id, source: d.source, country: d.country, day: d.day, currency: d.currency };
    for (const f of MEASURES) if (d[f]) m[f] = (m[f] ?? 0) + (d[f] ?? 0);
    merged.set(k, m);
  }
  return [...merged.values()];
}

/**
 * Adds the deltas to their rows, creating them as needed: one additive upsert (SQLite's ON
 * CONFLICT … excluded, MariaDB's ON DUPLICATE KEY … VALUES()), so that two writers never read a
 * row to write it back.
 */
export async function addRollups(db: Knex | Knex.Transaction, deltas: Iterable<RollupDelta>): Promise<void> {
  const rows = mergeDeltas(deltas).map((d) => ({ ...d, ...Object.fromEntries(MEASURES.map((f) => [f, d[f] ?? 0])) }));
  if (!rows.length) return;
  const mysql = dialectOf(db) === 'mysql';
  const add = Object.fromEntries(MEASURES.map((f) => [f, mysql ? db.raw('?? + VALUES(??)', [f, f]) : db.raw('?? + excluded.??', [`${T.dailyRollups}.${f}`, f])]));
  for (let i = 0; i < rows.length; i += 200) {
    await db(T.dailyRollups)
      .insert(rows.slice(i, i + 200))
      .onConflict(['agent_id', 'program_id', 'source', 'country', 'day', 'currency'])
      .merge(add);
  }
}
