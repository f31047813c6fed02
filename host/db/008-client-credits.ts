import type { Knex } from 'knex';

/**
 * Credit on a client's account (WHMCS: tblcredit), which the module adds when it pays an agent
 * by "credit to account". A credit's idempotency key is unique, so that a payout credited twice
 * (a retry, two nodes) is one row; the balance is the sum of the rows.
 */
export async function upClientCredits(db: Knex): Promise<void> {
  await db.schema.createTable('host_credits', (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().index('ix_host_credits_client');
    t.string('currency', 3).notNullable();
    t.bigInteger('amount_minor').notNullable();
    t.string('description', 255).notNullable();
    t.string('idem_key', 128).notNullable().unique('uq_host_credits_key');
    t.bigInteger('created_at').notNullable();
  });
}
