import type { Knex } from 'knex';
import { T } from '../tables';
import { asRows, num } from '../columns';

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
  await backfillFirstPaid(db);
}

/**
 * Customers who paid before this upgrade must not look new to an order-scoped program. The module
 * knows two kinds of paid invoice: a referral's recorded first paid invoice, and every invoice a
 * commission was made on (manual entries, invoice 0, name none). Each client gets the smallest of
 * them (invoice ids grow with time, so the smallest is the earliest the module saw).
 *
 * An invoice paid before the upgrade that earned nothing (a customer with no agent) is not known
 * here: the host's invoice list is the source, read by HostApi.invoicesChangedSince, which a
 * migration cannot call. Such a customer still looks new, and their next order after an agent's
 * click earns once under an order-scoped program; the first paid invoice after the upgrade is
 * marked as theirs from then on.
 */
async function backfillFirstPaid(db: Knex): Promise<void> {
  const first = new Map<number, number>();
  const consider = (client: number, invoice: number) => {
    if (invoice <= 0) return;
    const known = first.get(client);
    if (known === undefined || invoice < known) first.set(client, invoice);
  };
  for (const r of asRows(await db(T.referrals).whereNotNull('first_paid_invoice_id').select('client_id', 'first_paid_invoice_id'))) {
    consider(num(r.client_id), num(r.first_paid_invoice_id));
  }
  const byClient = asRows(await db(T.commissions).where('invoice_id', '>', 0).groupBy('client_id').select('client_id', db.raw('min(invoice_id) as invoice_id')));
  for (const r of byClient) consider(num(r.client_id), num(r.invoice_id));
  const now = Date.now();
  const rows = [...first].map(([client_id, invoice_id]) => ({ client_id, invoice_id, created_at: now }));
  for (let i = 0; i < rows.length; i += 500) await db(T.firstPaidOrders).insert(rows.slice(i, i + 500));
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
