import { DateTime } from 'luxon';
import type { ProgramDefinition } from '../programs/definition';

/**
 * The payout period a day falls in, for programs that pay on a schedule rather than on request:
 * CloudSigma once per calendar quarter, Cloudlessons on the 1st and the 15th, in the program's
 * own time zone. Null for on-request programs.
 */
export function payoutPeriod(schedule: ProgramDefinition['payout']['schedule'], nowMs: number, zone: string): string | null {
  return periodOf(schedule, nowMs, zone)?.name ?? null;
}

/** A cron that missed the period's first day still pays within this many days of it. */
export const PAYOUT_GRACE_DAYS = 7;

/** The period and whether today is a payout day: its first day, or within the grace after it. */
export function payoutDue(schedule: ProgramDefinition['payout']['schedule'], nowMs: number, zone: string): string | null {
  const p = periodOf(schedule, nowMs, zone);
  return p && nowMs < p.start.plus({ days: PAYOUT_GRACE_DAYS }).toMillis() ? p.name : null;
}

function periodOf(schedule: ProgramDefinition['payout']['schedule'], nowMs: number, zone: string): { name: string; start: DateTime } | null {
  const d = DateTime.fromMillis(nowMs, { zone });
  switch (schedule) {
    case 'on_request':
      return null;
    case 'monthly':
      return { name: d.toFormat('yyyy-LL'), start: d.startOf('month') };
    case 'semi_monthly': {
      const start = d.day < 15 ? d.startOf('month') : d.startOf('month').set({ day: 15 });
      return { name: start.toFormat('yyyy-LL-dd'), start };
    }
    case 'quarterly':
      return { name: `${d.year}-Q${d.quarter}`, start: d.startOf('quarter') };
  }
}

/**
 * The next payout day after today (the start of the next period) as a moment in the zone: the
 * Overview's "next payout date". Null for on-request programs.
 */
export function nextPayoutDay(schedule: ProgramDefinition['payout']['schedule'], nowMs: number, zone: string): number | null {
  const d = DateTime.fromMillis(nowMs, { zone });
  switch (schedule) {
    case 'on_request':
      return null;
    case 'monthly':
      return d.startOf('month').plus({ months: 1 }).toMillis();
    case 'semi_monthly':
      return (d.day < 15 ? d.startOf('month').set({ day: 15 }) : d.startOf('month').plus({ months: 1 })).toMillis();
    case 'quarterly':
      return d.startOf('quarter').plus({ quarters: 1 }).toMillis();
  }
}
