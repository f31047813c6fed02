import { DateTime } from 'luxon';
import { asRow, num, oneOf, text } from '../db/columns';

const STATUSES = ['open', 'passed', 'failed', 'left'] as const;

export interface Probation {
  id: number;
  agentId: number;
  programId: number;
  tier: string;
  startedAt: number;
  deadlineAt: number;
  status: (typeof STATUSES)[number];
}

export function probationFromRow(row: unknown): Probation {
  const r = asRow(row);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    programId: num(r.program_id),
    tier: text(r.tier),
    startedAt: num(r.started_at),
    deadlineAt: num(r.deadline_at),
    status: oneOf(STATUSES, r.status),
  };
}

/**
 * The start (00:00, program zone) of the calendar day `days` days after `from`: the deadline of a
 * probation that began at `from`, and the day of each warning. Days first, then the day's start,
 * as a hold is counted (commissions/hold.ts).
 */
export function dayAfter(from: number, days: number, zone: string): number {
  return DateTime.fromMillis(from, { zone }).plus({ days }).startOf('day').toMillis();
}

/** Whole calendar days (program zone) from the day of `now` to the day of `deadline`. */
export function daysLeft(now: number, deadline: number, zone: string): number {
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  return Math.max(0, Math.round(DateTime.fromMillis(deadline, { zone }).startOf('day').diff(today, 'days').days));
}
