import { DateTime } from 'luxon';

/**
 * When a commission's hold ends: a hold counts calendar days in the program's time zone, so a
 * commission paid on day D is the agent's from the start (00:00) of day D + hold days there,
 * whatever the hour it was paid. The daily cron releases on that day whenever it runs, and the
 * date the agent's page promises is the day it is released.
 */
export function availableFrom(paidAt: number, program: { timezone: string; holdDays: number }): number {
  // Days first, then the start of that day: where DST skips midnight (America/Santiago in
  // September) the day starts at 01:00, and start-of-day-then-plus would carry that 01:00 over
  // to the day the hold ends.
  return DateTime.fromMillis(paidAt, { zone: program.timezone }).plus({ days: program.holdDays }).startOf('day').toMillis();
}
