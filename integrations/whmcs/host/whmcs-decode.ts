import { z } from 'zod';
import { DateTime } from 'luxon';
import type { HostClient, HostInvoice, HostRefund } from '../../../module/contract/host-api';
import { currency, exponentOf } from '../../../module/money/currencies';
import { parseAmount } from '../../../module/money/amount';
import type { WhmcsAnswer } from './whmcs-api';

/**
 * WHMCS's API answers, as its reference documents them: numbers often as strings, lists nested
 * one level (`{ invoices: { invoice: [...] } }`) and an empty list given as "" or left out.
 */
const int = z.coerce.number().int();
const str = z.preprocess((v) => (v === null || v === undefined ? '' : v), z.coerce.string());

/** The list inside `{ <key>: [...] }`, or none. */
export function listOf<S extends z.ZodType>(item: S, key: string) {
  return z.preprocess((v): unknown => {
    const inner: unknown = v && typeof v === 'object' && !Array.isArray(v) ? Object.getOwnPropertyDescriptor(v, key)?.value : v;
    return Array.isArray(inner) ? inner : [];
  }, z.array(item));
}

/** WHMCS keeps dates as text in its own server's zone; "0000-00-00…" is none. */
export function whmcsTime(text: string, zone: string): number | null {
  if (!text || text.startsWith('0000-00-00')) return null;
  const t = DateTime.fromSQL(text, { zone });
  return t.isValid ? t.toMillis() : null;
}

/** A WHMCS decimal (two places, always) in minor units of `code`: "1000.00" JPY is 1000. */
export function whmcsAmount(text: string, code: string): number {
  const cur = currency(code);
  const [whole = '0', frac = ''] = text.trim().split('.');
  const kept = frac.replace(/0+$/, '').padEnd(Math.min(frac.length, exponentOf(cur)), '0');
  return parseAmount(kept ? `${whole}.${kept}` : whole, cur);
}

export const clientDetails = z.object({
  client: z.object({
    id: int.optional(),
    userid: int.optional(),
    firstname: str,
    lastname: str,
    companyname: str,
    email: str,
    phonenumber: str,
    status: z.enum(['Active', 'Inactive', 'Closed']).catch('Active'),
    currency_code: str,
    datecreated: str.optional(),
    countrycode: str.optional(),
    language: str.optional(),
  }),
});

export function toClient(answer: WhmcsAnswer, zone: string): HostClient {
  const c = clientDetails.parse(answer).client;
  const id = c.id ?? c.userid;
  if (id === undefined) throw new TypeError('GetClientsDetails gave no client id');
  const orNull = (s: string) => (s === '' ? null : s);
  return {
    id,
    email: c.email,
    firstname: c.firstname,
    lastname: c.lastname,
    companyname: orNull(c.companyname),
    phonenumber: orNull(c.phonenumber),
    status: c.status,
    currency: c.currency_code,
    created_at: whmcsTime(c.datecreated ?? '', zone) ?? 0,
    country: /^[A-Za-z]{2}$/.test(c.countrycode ?? '') ? (c.countrycode ?? '').toUpperCase() : null,
    language: orNull((c.language ?? '').toLowerCase()),
  };
}

const transaction = z.object({ id: int, transid: str, date: str, amountin: str, amountout: str });
export const invoiceAnswer = z.object({
  invoiceid: int,
  userid: int,
  status: str,
  total: str,
  datepaid: str,
  items: listOf(z.object({ id: int, type: str, relid: int.catch(0), description: str, amount: str }), 'item'),
  transactions: listOf(transaction, 'transaction'),
});

export type WhmcsInvoice = z.infer<typeof invoiceAnswer>;

const STATUSES = ['Unpaid', 'Paid', 'Refunded', 'Cancelled'] as const;

/** An invoice, its lines not yet told their product (see WhmcsHostApi.lineProduct). */
export function toInvoice(inv: WhmcsInvoice, code: string, zone: string): Omit<HostInvoice, 'lines'> {
  const status = STATUSES.find((s) => s === inv.status) ?? 'Unpaid';
  return { id: inv.invoiceid, client_id: inv.userid, currency: code, status, total_minor: whmcsAmount(inv.total, code), date_paid: whmcsTime(inv.datepaid, zone), paid_with: null };
}

/** The refunds among an invoice's transactions: money out, oldest first. */
export function refundsOf(transactions: z.infer<typeof transaction>[], code: string, zone: string): HostRefund[] {
  return transactions
    .filter((t) => Number(t.amountout) > 0)
    .map((t) => ({ refund_id: t.transid || String(t.id), amount_minor: whmcsAmount(t.amountout, code), line_ids: null, refunded_at: whmcsTime(t.date, zone) ?? 0 }))
    .sort((a, b) => a.refunded_at - b.refunded_at);
}

export const clientProducts = z.object({ products: listOf(z.object({ id: int, pid: int, name: str, groupname: str, status: str, domain: str }), 'product') });
export const products = z.object({
  products: listOf(z.object({ pid: int, gid: int, name: str, paytype: str, pricing: z.record(z.string(), z.record(z.string(), z.unknown())).catch({}) }), 'product'),
});
export const invoices = z.object({ invoices: listOf(z.object({ id: int, userid: int, date: str, datepaid: str, total: str, status: str, currencycode: str }), 'invoice') });
export const clients = z.object({ clients: listOf(z.object({ id: int }), 'client') });
export const orders = z.object({
  orders: listOf(z.object({ id: int, userid: int, invoiceid: int, date: str, lineitems: listOf(z.object({ type: str, relid: int.catch(0), domain: str }), 'lineitem') }), 'order'),
});
export const currencies = z.object({ currencies: listOf(z.object({ code: str, rate: str }), 'currency') });
