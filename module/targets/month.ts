import { DateTime } from 'luxon';
import { RuleError } from '../core/errors';

/** A calendar month in a program's time zone: its key ("2026-03") and its first instant and the next month's. */
export interface Month {
  key: string;
  start: number;
  end: number;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function monthOf(key: string, zone: string): Month {
  if (!MONTH.test(key)) throw new RuleError('targets.error.month', 'month');
  const start = DateTime.fromFormat(key, 'yyyy-LL', { zone }).startOf('month');
  return { key, start: start.toMillis(), end: start.plus({ months: 1 }).toMillis() };
}

export function monthAt(at: number, zone: string): Month {
  return monthOf(DateTime.fromMillis(at, { zone }).toFormat('yyyy-LL'), zone);
}

/** The months from the one holding `from` up to, not including, the one holding `now`, oldest first. */
export function endedMonths(from: number, now: number, zone: string): Month[] {
  const out: Month[] = [];
  const current = monthAt(now, zone).start;
  for (let m = monthAt(from, zone); m.start < current; m = monthAt(m.end, zone)) out.push(m);
  return out;
}

/** "March 2026", for the explanation of a bonus line and the agent's page. */
export function monthName(m: Month, zone: string, locale = 'en'): string {
  return DateTime.fromMillis(m.start, { zone }).setLocale(locale).toFormat('LLLL yyyy');
}
