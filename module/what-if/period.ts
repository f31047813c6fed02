import { DateTime } from 'luxon';
import { RuleError } from '../core/errors';

/** The longest period a what-if replays: two years of invoices is already a long wait for a page. */
const MAX_DAYS = 731;

export interface Period {
  from: string;
  to: string;
  /** The first instant of `from` and of the day after `to`, in the program's time zone. */
  start: number;
  end: number;
}

/** The days from `from` to `to`, both included, as the admin typed them (yyyy-mm-dd). */
export function periodOf(from: string, to: string, zone: string): Period {
  const day = (value: string, field: string) => {
    const d = DateTime.fromISO(value, { zone });
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !d.isValid) throw new RuleError('what_if.error.date', field);
    return d.startOf('day');
  };
  const start = day(from, 'from');
  const last = day(to, 'to');
  if (last < start) throw new RuleError('what_if.error.order', 'to');
  if (last.diff(start, 'days').days >= MAX_DAYS) throw new RuleError('what_if.error.too_long', 'to', { max: MAX_DAYS });
  return { from, to, start: start.toMillis(), end: last.plus({ days: 1 }).toMillis() };
}
