import type { Knex } from 'knex';
import { T } from '../db/tables';

/**
 * InvoicePaid, InvoiceRefunded and an order override serialise on the invoice's row in the lock
 * table: whichever takes it second sees everything the first wrote. Taken first in the
 * transaction and held until it ends, by one upsert that makes the row or bumps its counter:
 * InnoDB takes an exclusive lock on the row either way (an INSERT IGNORE that found the row would
 * take a shared one, which two transactions could hold and then not both raise), and on Galera,
 * where a row lock holds only on its own node, the write makes two nodes' takers conflict at
 * commit so that the loser runs again after the winner (see migration 017). One statement inside
 * the transaction, not a separate commit before it: InvoicePaid's cost is mostly its commits.
 */
export async function lockInvoice(trx: Knex.Transaction, invoiceId: number): Promise<void> {
  await trx(T.invoiceLocks)
    .insert({ invoice_id: invoiceId, taken: 1 })
    .onConflict('invoice_id')
    .merge({ taken: trx.raw('?? + 1', [`${T.invoiceLocks}.taken`]) });
}
