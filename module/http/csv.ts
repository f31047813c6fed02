import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { stringify } from 'csv-stringify';

/** A CSV cell: text, an integer count, or empty. Money goes in as its decimal text ("-12.50"). */
export type CsvCell = string | number | bigint | null | undefined;

export interface CsvOptions {
  /** Starts the file with a UTF-8 byte order mark, so that Excel reads it as UTF-8. */
  bom?: boolean;
}

const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number ("-12.50", "+3") is data, not a formula: it stays a number for the spreadsheet. */
const PLAIN_NUMBER = /^[-+]?\d+(\.\d+)?$/;

/**
 * The text a cell carries, safe to open in a spreadsheet: one that would start a formula (= + - @,
 * or a tab or carriage return that some spreadsheets skip before one) gets a leading apostrophe,
 * which spreadsheets read as "this is text" (OWASP's CSV injection advice).
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** A filename for Content-Disposition: the ASCII fallback and the RFC 5987 UTF-8 form. */
function disposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Streams rows as an RFC 4180 file (comma, double-quote quoting, CRLF after every record) to the
 * response: rows are pulled one at a time as the client reads, so memory stays flat however many
 * there are. Every cell goes through csvCell.
 */
export async function sendCsv(
  res: Response,
  filename: string,
  header: readonly string[],
  rows: Iterable<readonly CsvCell[]> | AsyncIterable<readonly CsvCell[]>,
  options: CsvOptions = {},
): Promise<void> {
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8; header=present',
    'Content-Disposition': disposition(filename),
    'Cache-Control': 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  const safe = new Transform({
    objectMode: true,
    transform(row: readonly CsvCell[], _enc, done) {
      done(null, row.map(csvCell));
    },
  });
  // A field holding a line break, a lone CR or LF too, is quoted (RFC 4180 §2.6):
  // quote_record_delimiter checks for both, without a regular expression run on every field.
  const csv = stringify({ bom: options.bom === true, record_delimiter: 'windows', quote_record_delimiter: true });
  await pipeline(Readable.from(withHeader(header, rows)), safe, csv, res);
}

async function* withHeader(header: readonly string[], rows: Iterable<readonly CsvCell[]> | AsyncIterable<readonly CsvCell[]>): AsyncGenerator<readonly CsvCell[]> {
  yield header;
  yield* rows;
}
