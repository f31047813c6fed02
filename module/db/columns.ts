/** A nullable numeric column as read: drivers give null (or, for a column not selected, undefined), and MariaDB's BIGINT a string. */
export function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : Number(v);
}

/** A nullable text column as read. */
export function stringOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
