import { stringify } from 'csv-stringify/sync';
import { formatAmount, toDecimalString, type Minor } from '../../money/amount';
import { currency } from '../../money/currencies';
import type { Translate } from '../../i18n/lang';
import type { PayoutDetails, PayoutMethodKind } from '../payout-method';

/** One line of a batch file: the line, its agent's decrypted details and the name the host knows them by. */
export interface FileLine {
  batchId: number;
  lineId: number;
  name: string;
  details: PayoutDetails;
  currency: string;
  gross: Minor;
  tax: Minor;
  net: Minor;
  payCurrency: string;
  pay: Minor;
}

export interface BatchFile {
  filename: string;
  contentType: string;
  body: string;
}

/** The reference a bank, Safaricom or PayPal carries back: unique per line, at most 30 characters (PayPal's limit). */
export function lineReference(batchId: number, lineId: number): string {
  return `AT-${batchId}-${lineId}`;
}

/**
 * A text cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) is
 * written with a leading apostrophe (OWASP's advice for CSV injection). Amounts, codes and
 * references the module makes itself never start so; names, e-mails and notes may.
 */
export function safeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: CRLF after every record, a field quoted when it holds a comma, a quote or a line break. */
function csv(rows: string[][]): string {
  return stringify(rows, { record_delimiter: 'windows' });
}

/** An amount for a file: plain digits and a point, no grouping ("19000.00"). */
function plain(amount: Minor, code: string): string {
  return toDecimalString(amount, currency(code));
}

/** "KES 20,000.00" with a plain space: the file is read by a bank's system, not only a person. */
function shown(amount: Minor, code: string): string {
  return formatAmount(amount, currency(code)).replace(/\u00a0/g, ' ');
}

/** The payment's note: gross, tax kept back and net, so that the agent's statement and the bank's line agree. */
function remark(t: Translate, l: FileLine): string {
  return t('batches.file.remark', { reference: lineReference(l.batchId, l.lineId), gross: shown(l.gross, l.currency), tax: shown(l.tax, l.currency), net: shown(l.net, l.currency) });
}

/** The bank bulk-transfer file (docs/payouts.md, "Bank transfer file"). */
function bankFile(t: Translate, lines: FileLine[]): string[][] {
  const rows = [['Reference', 'Beneficiary name', 'IBAN', 'Account number', 'Bank code', 'Amount', 'Currency', 'Payment details']];
  for (const l of lines) {
    if (l.details.kind !== 'bank') throw new Error(`line ${l.lineId} is not a bank transfer`);
    const d = l.details;
    rows.push([
      lineReference(l.batchId, l.lineId),
      safeCell(d.holder),
      safeCell(d.iban ?? ''),
      safeCell(d.accountNumber ?? ''),
      safeCell(d.bankCode ?? ''),
      plain(l.pay, l.payCurrency),
      l.payCurrency,
      safeCell(remark(t, l)),
    ]);
  }
  return rows;
}

/**
 * The M-Pesa B2C bulk payment file (docs/payouts.md, "M-Pesa bulk payment file"): the phone
 * number as Safaricom writes an MSISDN (254…, no plus), the amount in whole shillings.
 */
function mpesaFile(t: Translate, lines: FileLine[]): string[][] {
  const rows = [['Serial No', 'Phone Number', 'Amount', 'Name', 'Reference', 'Remarks']];
  lines.forEach((l, i) => {
    if (l.details.kind !== 'mpesa') throw new Error(`line ${l.lineId} is not an M-Pesa payment`);
    if (l.pay % 100 !== 0) throw new Error(`line ${l.lineId} is not whole shillings`);
    rows.push([String(i + 1), l.details.phone.replace(/^\+/, ''), (BigInt(l.pay) / 100n).toString(), safeCell(l.name), lineReference(l.batchId, l.lineId), safeCell(remark(t, l))]);
  });
  return rows;
}

/**
 * PayPal's Payouts Web file: no header row; recipient e-mail, amount, currency, a unique id per
 * payment (PayPal refuses the same id twice), the note the recipient reads. One currency a file.
 */
function paypalFile(t: Translate, lines: FileLine[]): string[][] {
  return lines.map((l) => {
    if (l.details.kind !== 'paypal') throw new Error(`line ${l.lineId} is not a PayPal payment`);
    return [safeCell(l.details.email), plain(l.pay, l.payCurrency), l.payCurrency, lineReference(l.batchId, l.lineId), safeCell(remark(t, l))];
  });
}

/** The file of a batch's method; null for credit, which the host applies itself. */
export function batchFile(method: PayoutMethodKind, batchId: number, t: Translate, lines: FileLine[]): BatchFile | null {
  if (method === 'credit') return null;
  const rows = method === 'bank' ? bankFile(t, lines) : method === 'mpesa' ? mpesaFile(t, lines) : paypalFile(t, lines);
  return { filename: `payout-batch-${batchId}-${method}.csv`, contentType: 'text/csv; charset=utf-8', body: csv(rows) };
}
