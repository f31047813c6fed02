import type { Knex } from 'knex';
import { T } from '../db/tables';

/**
 * InvoicePaid and InvoiceRefunded serialise on the invoice's row in the lock table: whichever
 * takes it second sees everything the first wrote. The row is made outside the transaction, in a
 * statement of its own (on SQLite the transaction holds the only connection; on MariaDB an
 * insert that finds the row would take a shared lock that two transactions could not both raise).
 */
export async function invoiceLockRow(db: Knex, invoiceId: number): Promise<void> {
  await db(T.invoiceLocks).insert({ invoice_id: invoiceId }).onConflict('invoice_id').ignore();
}

/** Taken first in the transaction, held until it ends. */
export async function lockInvoice(trx: Knex.Transaction, invoiceId: number): Promise<void> {
  const row: unknown = await trx(T.invoiceLocks).where({ invoice_id: invoiceId }).forUpdate().first('invoice_id');
  // On a missing row MariaDB takes only a gap lock, which a second transaction can share: nothing
  // would be serialised. invoiceLockRow must have made it.
  if (row === undefined) throw new Error(`invoice ${invoiceId} has no lock row: invoiceLockRow must run first`);
}
