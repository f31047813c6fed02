import type { Knex } from 'knex';
import { T } from '../db/tables';
import { num, rowOrNull } from '../db/columns';

/**
 * Marks the invoice as the client's first paid one unless another was marked before, and says
 * which one is. Every InvoicePaid marks, attributed or not, so that a customer whose first order
 * came with no click is not "new" on the second. The primary key on the client settles two
 * invoices paid at once; a second delivery of the same event finds its own invoice.
 */
export async function firstPaidInvoice(db: Knex, clientId: number, invoiceId: number, now: number): Promise<number> {
  await db(T.firstPaidOrders).insert({ client_id: clientId, invoice_id: invoiceId, created_at: now }).onConflict('client_id').ignore();
  const row = rowOrNull(await db(T.firstPaidOrders).where({ client_id: clientId }).first('invoice_id'));
  if (!row) throw new Error(`client ${clientId}'s first paid invoice was not stored`);
  return num(row.invoice_id);
}
