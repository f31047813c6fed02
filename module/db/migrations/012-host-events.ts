import type { Knex } from 'knex';
import { T } from '../tables';

// The host's events the module finished (InvoicePaid, InvoiceRefunded), one row each, written
// after the work committed: an invoice the host shows paid with no row here lost its hook to a
// crash, and the daily reconciliation does that work again. The key says which delivery: 'paid'
// for a payment, the refund's key for a refund.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.hostEvents, (t) => {
    t.increments('id');
    t.string('event', 32).notNullable();
    t.integer('invoice_id').notNullable();
    t.string('delivery_key', 80).notNullable();
    t.bigInteger('processed_at').notNullable().index('ix_at_host_events_processed');
    t.string('outcome', 32).notNullable();
    /** 'hook' when the host's event did it, 'reconcile' when the reconciliation did. */
    t.string('source', 16).notNullable();
    t.unique(['invoice_id', 'event', 'delivery_key'], { indexName: 'ux_at_host_events_delivery' });
  });
  // Invoices paid before the log began have no row and were earned (or not) by the hooks then:
  // reconciling them now would earn by today's referrals, so the reconciliation starts here.
  await db(T.settings).insert({ key: 'host_events_since', value: String(Date.now()) });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
