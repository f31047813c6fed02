import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, numberOrNull } from '../db/columns';
import { storedRefundFromRow, type StoredRefund } from './take-back';

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

/** What InvoicePaid must know of an invoice once it holds the invoice's lock. */
export interface LockedInvoice {
  /** The version of the admin's override of the invoice's order; 0 when there is none. */
  overrideVersion: number;
  /** The refunds saved for it so far, in the order they were saved. */
  refunds: StoredRefund[];
}

/**
 * The invoice's override version and refunds, in one query, read after `lockInvoice`: whoever
 * saves either takes that lock first, so what was committed before it is here and nothing new
 * can be until this transaction ends (a plain read, since the lock, not the read, excludes them;
 * on Galera the lock row's write makes a concurrent saver on another node conflict at commit).
 */
export async function readLockedInvoice(trx: Knex.Transaction, invoiceId: number): Promise<LockedInvoice> {
  const rows = asRows(
    await trx
      .from(trx.raw('(select ? as invoice_id) as i', [invoiceId]))
      .leftJoin(`${T.orderReferrals} as o`, 'o.invoice_id', 'i.invoice_id')
      .leftJoin(`${T.refunds} as r`, 'r.invoice_id', 'i.invoice_id')
      .select('o.version as override_version', 'r.id', 'r.amount_minor', 'r.line_ids')
      .orderBy('r.id'),
  );
  return {
    overrideVersion: numberOrNull(rows[0]?.override_version) ?? 0,
    refunds: rows.filter((r) => r.id !== null && r.id !== undefined).map(storedRefundFromRow),
  };
}
