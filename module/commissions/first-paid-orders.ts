import type { Knex } from 'knex';
import { T } from '../db/tables';
import { num, rowOrNull } from '../db/columns';

/** The client's first paid invoice as stored, or null while none is. */
export async function storedFirstPaid(db: Knex | Knex.Transaction, clientId: number): Promise<number | null> {
  const row = rowOrNull(await db(T.firstPaidOrders).where({ client_id: clientId }).first('invoice_id'));
  return row ? num(row.invoice_id) : null;
}

/**
 * Marks the invoice as the client's first paid one unless another was marked before. Every
 * InvoicePaid marks, attributed or not, so that a customer whose first order came with no click
 * is not "new" on the second; it does so in its own transaction, so the mark and the commissions
 * decided on it stand or fall together. The primary key on the client settles two invoices paid
 * at once (the later insert is ignored); a second delivery of the same event finds its own invoice.
 */
export async function markFirstPaid(db: Knex | Knex.Transaction, clientId: number, invoiceId: number, now: number): Promise<void> {
  await db(T.firstPaidOrders).insert({ client_id: clientId, invoice_id: invoiceId, created_at: now }).onConflict('client_id').ignore();
}
