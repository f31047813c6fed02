import { DateTime } from 'luxon';

/** Every rule that depends on time reads it from here, so tests and the demo can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that stands still until told to move. */
export class ManualClock implements Clock {
  constructor(private ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  set(iso: string | number): void {
    this.ms = typeof iso === 'number' ? iso : DateTime.fromISO(iso, { zone: 'utc' }).toMillis();
    if (!Number.isFinite(this.ms)) throw new RangeError(`bad time ${iso}`);
  }
  advanceDays(days: number): void {
    this.ms = DateTime.fromMillis(this.ms).plus({ days }).toMillis();
  }
}
