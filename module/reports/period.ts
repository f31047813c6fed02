import { DateTime } from 'luxon';

export const PERIODS = ['7d', '30d', '90d', '12m', 'custom'] as const;
export type PeriodKey = (typeof PERIODS)[number];

/** A period of whole calendar days in the program's zone, with the one just before it for comparison. */
export interface Period {
  key: PeriodKey;
  from: string;
  to: string;
  previousFrom: string;
  previousTo: string;
  /** How the chart steps through it: days, or months for a year. */
  unit: 'day' | 'month';
  /** Every step of the chart, in order (YYYY-MM-DD or YYYY-MM). */
  steps: string[];
}

/** A period asked for that cannot be: the field and the lang key of its message. */
export class PeriodRefused {
  constructor(
    readonly field: 'from' | 'to',
    readonly key: string,
  ) {}
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 731;

function day(text: unknown, zone: string): DateTime<boolean> | null {
  if (typeof text !== 'string' || !DAY.test(text)) return null;
  const d = DateTime.fromISO(text, { zone });
  return d.isValid ? d.startOf('day') : null;
}

const fmt = (d: DateTime) => d.toFormat('yyyy-LL-dd');

/**
 * The period a picker asked for (period=7d|30d|90d|12m, or custom with from/to), ending today in
 * the zone. The previous period has the same length and ends the day before it starts; a year is
 * the last twelve calendar months, compared with the twelve before them.
 */
export function resolvePeriod(query: { period?: unknown; from?: unknown; to?: unknown }, nowMs: number, zone: string): Period | PeriodRefused {
  const key: PeriodKey = PERIODS.find((p) => p === query.period) ?? '30d';
  const today = DateTime.fromMillis(nowMs, { zone }).startOf('day');
  let from: DateTime<boolean>;
  let to: DateTime<boolean> = today;
  if (key === 'custom') {
    const f = day(query.from, zone);
    const t = day(query.to, zone);
    if (!f) return new PeriodRefused('from', 'period.error.date');
    if (!t) return new PeriodRefused('to', 'period.error.date');
    if (t < f || t.diff(f, 'days').days > MAX_DAYS) return new PeriodRefused('to', 'period.error.range');
    from = f;
    to = t;
  } else if (key === '12m') {
    from = today.startOf('month').minus({ months: 11 });
  } else {
    from = today.minus({ days: Number(key.slice(0, -1)) - 1 });
  }
  const unit = key === '12m' || to.diff(from, 'days').days > 120 ? 'month' : 'day';
  const length = Math.round(to.diff(from, 'days').days) + 1;
  const previousTo = from.minus({ days: 1 });
  const previousFrom = key === '12m' ? from.minus({ months: 12 }) : previousTo.minus({ days: length - 1 });
  const steps: string[] = [];
  for (let d = unit === 'month' ? from.startOf('month') : from; d <= to; d = d.plus(unit === 'month' ? { months: 1 } : { days: 1 })) {
    steps.push(unit === 'month' ? d.toFormat('yyyy-LL') : fmt(d));
  }
  return { key, from: fmt(from), to: fmt(to), previousFrom: fmt(previousFrom), previousTo: fmt(previousTo), unit, steps };
}

/** The period asked for, or the last 30 days with the refusal beside it when it cannot be. */
export function periodOrDefault(query: { period?: unknown; from?: unknown; to?: unknown }, nowMs: number, zone: string): { period: Period; refused: PeriodRefused | null } {
  const asked = resolvePeriod(query, nowMs, zone);
  if (!(asked instanceof PeriodRefused)) return { period: asked, refused: null };
  const fallback = resolvePeriod({ period: '30d' }, nowMs, zone);
  if (fallback instanceof PeriodRefused) throw new Error('the default period cannot be refused');
  return { period: fallback, refused: asked };
}
