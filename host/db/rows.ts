import { z } from 'zod';

/**
 * The platform's rows, decoded. Knex types a row as `any`; every query's rows go through one of
 * these schemas, so that a wrong or missing column fails where it is read, not pages later.
 * SQLite and MariaDB (supportBigNumbers) give integers as numbers, and a BIGINT past 2^53 as a
 * string, read as the nearest number as before.
 */
const int = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const nullableInt = int.nullable();

export const clientRow = z.object({
  id: int,
  firstname: z.string(),
  lastname: z.string(),
  email: z.string(),
  companyname: z.string().nullable(),
  phonenumber: z.string().nullable(),
  status: z.enum(['Active', 'Inactive', 'Closed']),
  currency: z.string(),
  created_at: int,
  country: z.string().nullable(),
  language: z.string().nullable(),
});

export const userRow = z.object({ id: int, client_id: int, email: z.string(), password_hash: z.string(), created_at: int });

export const adminRow = z.object({ id: int, username: z.string(), password_hash: z.string(), language: z.string().nullable() });

export const productRow = z.object({ id: int, group_id: int, name: z.string(), currency: z.string(), price_minor: int, setup_minor: int });

/** A product with its group's name, as the catalogue and the host contract show it. */
export const productWithCategoryRow = productRow.extend({ category: z.string() });

export const invoiceRow = z.object({
  id: int,
  client_id: int,
  currency: z.string(),
  status: z.enum(['Unpaid', 'Paid', 'Refunded', 'Cancelled']),
  total_minor: int,
  created_at: int,
  date_paid: nullableInt,
  date_refunded: nullableInt,
  due_at: nullableInt,
  overdue_at: nullableInt,
  paid_with: z.string().nullable(),
});

export const invoiceItemRow = z.object({ id: int, invoice_id: int, description: z.string(), type: z.string(), product_id: nullableInt, amount_minor: int });

export const orderRow = z.object({
  id: int,
  client_id: int,
  product_id: int,
  invoice_id: int,
  created_at: int,
  domain: z.string().nullable(),
  referral_code: z.string().nullable(),
});

export const serviceRow = z.object({ id: int, client_id: int, product_id: int, order_id: int, status: z.string(), created_at: int, suspended_at: nullableInt });

export const quoteRow = z.object({
  id: int,
  client_id: nullableInt,
  email: z.string(),
  token: z.string(),
  status: z.enum(['Draft', 'Sent', 'Accepted', 'Declined']),
  currency: z.string(),
  total_minor: int,
  ref: z.string().nullable(),
  invoice_id: nullableInt,
  created_at: int,
  sent_at: nullableInt,
  decided_at: nullableInt,
});

export const quoteLineRow = z.object({ id: int, quote_id: int, product_id: int, description: z.string(), type: z.string(), quantity: int, amount_minor: int });

export const ticketRow = z.object({ id: int, client_id: int, subject: z.string(), status: z.string(), created_at: int, updated_at: int });

export const ticketReplyRow = z.object({ id: int, ticket_id: int, author: z.enum(['client', 'admin']), author_name: z.string(), message: z.string(), created_at: int });

export const currencyRow = z.object({ code: z.string(), rate: z.string() });

/** The row of a `.first()`, decoded, or null when the query found none. */
export function oneRow<S extends z.ZodType>(schema: S, row: unknown): z.output<S> | null {
  return row === undefined || row === null ? null : schema.parse(row);
}

/** A query's rows, decoded. */
export function allRows<S extends z.ZodType>(schema: S, rows: unknown): z.output<S>[] {
  return z.array(schema).parse(rows);
}
