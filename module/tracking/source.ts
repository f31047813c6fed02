import { z } from 'zod';

/** Untagged traffic, and any `src=` that is not a valid source name, counts under this one. */
export const DEFAULT_SOURCE = 'Default';

/** An agent's tag for where a link was shared (`src=newsletter`, `src=yt_2026-03`). */
export const sourceName = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);

/**
 * The source a click counts under: a bad tag is not an error for the visitor, just Default.
 * Lower-cased, because MariaDB groups and compares them without case and SQLite with it: one
 * rule on both makes `src=Newsletter` and `src=newsletter` the same source everywhere.
 */
export function clickSource(raw: unknown): string {
  if (raw === undefined) return DEFAULT_SOURCE;
  const parsed = sourceName.safeParse(raw);
  if (!parsed.success) return DEFAULT_SOURCE;
  const name = parsed.data.toLowerCase();
  return name === DEFAULT_SOURCE.toLowerCase() ? DEFAULT_SOURCE : name;
}
