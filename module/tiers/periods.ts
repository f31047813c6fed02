import { DateTime } from 'luxon';
import type { EvaluationDefinition } from '../programs/definition';

export type PeriodKind = EvaluationDefinition['period'];

/** A calendar period in a program's time zone: [start, end), `months` calendar months long. */
export interface Period {
  key: string;
  start: DateTime;
  end: DateTime;
  months: number;
}

const MONTHS: Record<PeriodKind, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/** The period that contains the instant, e.g. 2026-Q1, 2026-03 or 2026. */
export function periodAt(kind: PeriodKind, ms: number, zone: string): Period {
  const t = DateTime.fromMillis(ms, { zone });
  const months = MONTHS[kind];
  const startMonth = Math.floor((t.month - 1) / months) * months + 1;
  const start = DateTime.fromObject({ year: t.year, month: startMonth, day: 1 }, { zone });
  const key = kind === 'yearly' ? `${t.year}` : kind === 'quarterly' ? `${t.year}-Q${(startMonth - 1) / 3 + 1}` : start.toFormat('yyyy-MM');
  return { key, start, end: start.plus({ months }), months };
}

export function nextPeriod(kind: PeriodKind, p: Period): Period {
  return periodAt(kind, p.end.toMillis(), p.start.zoneName ?? 'UTC');
}

/**
 * The periods to evaluate at `now`: every whole period that began at or after `since` (when the
 * program's evaluation was loaded: a period measured only in part would judge agents whose tiers
 * an admin set by hand on weeks of figures) and has ended by now, oldest first.
 */
export function endedPeriods(kind: PeriodKind, since: number, now: number, zone: string): Period[] {
  let p = periodAt(kind, since, zone);
  if (p.start.toMillis() < since) p = nextPeriod(kind, p);
  const out: Period[] = [];
  while (p.end.toMillis() <= now) {
    out.push(p);
    p = nextPeriod(kind, p);
  }
  return out;
}

/** The 1st of the month after the instant, 00:00 in the zone. */
export function nextMonthStart(ms: number, zone: string): DateTime {
  return DateTime.fromMillis(ms, { zone }).startOf('month').plus({ months: 1 });
}

/** The calendar months of the period from the month that contains `from` (at least 1). */
export function monthsFrom(p: Period, from: number): number {
  if (from <= p.start.toMillis()) return p.months;
  const t = DateTime.fromMillis(from, { zone: p.start.zoneName ?? 'UTC' }).startOf('month');
  const diff = Math.round(p.end.diff(t, 'months').months);
  return Math.min(p.months, Math.max(1, diff));
}

export function dayOf(t: DateTime): string {
  return t.toISODate() ?? t.toFormat('yyyy-MM-dd');
}
