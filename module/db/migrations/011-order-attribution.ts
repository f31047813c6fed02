import type { Knex } from 'knex';
import { T } from '../tables';

/**
 * Attribution per order (a program with `attribution_scope: order`): the click each order was
 * placed after, read from the referral cookie at checkout, and each client's first paid invoice,
 * since only that one earns under such a program.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.orderClicks, (t) => {
    t.increments('id').primary();
    // One click per order: a second delivery of the checkout finds it there.
    t.integer('order_id').notNullable().unique('ux_at_order_clicks_order');
    t.integer('invoice_id').notNullable().index('ix_at_order_clicks_invoice');
    t.integer('client_id').notNullable();
    t.integer('agent_id').unsigned().notNullable();
    t.string('click_uid', 64).notNullable();
    t.bigInteger('clicked_at').notNullable();
    t.string('source', 64).nullable();
    // The program and terms version of the agent at checkout: the commission is made under them.
    t.integer('program_id').unsigned().notNullable();
    t.integer('terms_version').unsigned().notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable(T.firstPaidOrders, (t) => {
    // The primary key makes the first InvoicePaid to claim a client the only one.
    t.integer('client_id').notNullable().primary();
    t.integer('invoice_id').notNullable();
    t.bigInteger('created_at').notNullable();
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
