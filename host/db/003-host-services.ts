import type { Knex } from 'knex';

/** Days from an invoice's creation to its due date. */
export const INVOICE_DUE_DAYS = 7;
const DAY_MS = 86_400_000;

// Services and due dates. A paid order's product becomes a service the admin can suspend. An
// overdue invoice keeps its Unpaid status, as in WHMCS (it can still be paid): overdue_at records
// that the cron has marked it, so that it is announced once.
export async function upServices(db: Knex): Promise<void> {
  await db.schema.createTable('host_services', (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().index('ix_host_services_client');
    t.integer('product_id').notNullable();
    // One service per order: paying an invoice twice over cannot make two.
    t.integer('order_id').notNullable().unique('uq_host_services_order');
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('suspended_at').nullable();
  });
  await db.schema.alterTable('host_invoices', (t) => {
    t.bigInteger('due_at').nullable();
    t.bigInteger('overdue_at').nullable();
  });
  await db('host_invoices').update({ due_at: db.raw('created_at + ?', [INVOICE_DUE_DAYS * DAY_MS]) });
}
