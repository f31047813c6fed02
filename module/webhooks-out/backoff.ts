/** How long a delivery is retried from its creation (or its replay) before it is marked failed. */
export const RETRY_WINDOW_MS = 24 * 60 * 60_000;
const FIRST_MS = 30_000;
const LONGEST_MS = 4 * 60 * 60_000;

/**
 * The wait after the n-th failed attempt (n ≥ 1): 30 s doubled each time, at most 4 h, with
 * "equal jitter" (between half and all of it), so that endpoints that failed together do not all
 * come back at the same second. random() is in [0, 1).
 */
export function backoffMs(failedAttempts: number, random: () => number): number {
  const full = Math.min(FIRST_MS * 2 ** Math.min(failedAttempts - 1, 20), LONGEST_MS);
  return Math.round(full / 2 + (full / 2) * random());
}
