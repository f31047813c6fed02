import type { Knex } from 'knex';
import { T } from '../tables';

// The admin's client page lists a client's order overrides: read by client, not by invoice.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable(T.orderReferrals, (t) => {
    t.index(['client_id'], 'ix_at_order_referrals_client');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable(T.orderReferrals, (t) => {
    t.dropIndex(['client_id'], 'ix_at_order_referrals_client');
  });
}
