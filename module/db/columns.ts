/**
 * Reading rows as the drivers return them. Knex types a row as `any`; the module reads each one
 * through these helpers, which check what arrived, so that a wrong column is an error where it is
 * read rather than a wrong value further on. SQLite gives numbers; MariaDB gives BIGINT and SUM()
 * as strings, and a column not selected is undefined.
 */
export type Row = Record<string, unknown>;

function isRow(value: unknown): value is Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A query's row (or undefined when there was none), as something whose columns can be read. */
export function asRow(value: unknown): Row {
  if (!isRow(value)) throw new TypeError(`not a database row: ${typeof value}`);
  return value;
}

/** A query's row, or null when the query found none. */
export function rowOrNull(value: unknown): Row | null {
  return value === undefined || value === null ? null : asRow(value);
}

/** A query's rows. */
export function asRows(value: unknown): Row[] {
  if (!Array.isArray(value)) throw new TypeError('not a list of database rows');
  return value.map(asRow);
}

/** A numeric column: a number, or the string MariaDB gives for BIGINT and sums. */
export function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw new TypeError(`not a numeric column: ${describe(v)}`);
}

/** A nullable numeric column. */
export function numberOrNull(v: unknown): number | null {
  return v === null || v === undefined ? null : num(v);
}

/** A text column. */
export function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  throw new TypeError(`not a text column: ${describe(v)}`);
}

/** A nullable text column. */
export function stringOrNull(v: unknown): string | null {
  return v === null || v === undefined ? null : text(v);
}

/** A text column that holds one of a few known values. */
export function oneOf<T extends string>(values: readonly T[], v: unknown): T {
  const s = text(v);
  const known = values.find((value) => value === s);
  if (known === undefined) throw new TypeError(`unexpected value "${s}", not one of ${values.join(', ')}`);
  return known;
}

/** A nullable column of one of a few known values. */
export function oneOfOrNull<T extends string>(values: readonly T[], v: unknown): T | null {
  return v === null || v === undefined ? null : oneOf(values, v);
}

/** A JSON text column, decoded (its shape is the caller's to check). */
export function json(v: unknown): unknown {
  return JSON.parse(text(v));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' || v === undefined) return `${typeof v} ${String(v).slice(0, 40)}`;
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}
