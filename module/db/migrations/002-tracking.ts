import type { Knex } from 'knex';
import { T } from '../tables';

// Sources: the `src=` a click came with, and the one of the click that won a referral. Rows from
// before sources are untagged traffic: Default, except an admin's assignment, which had no click.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable(T.clicks, (t) => {
    t.string('source', 32).notNullable().defaultTo('Default');
  });
  // Clicks per source on the agent's page read this index, not the rows.
  await db.schema.alterTable(T.clicks, (t) => {
    t.index(['agent_id', 'source'], 'ix_at_clicks_agent_source');
  });
  await db.schema.alterTable(T.referrals, (t) => {
    t.string('source', 32).nullable();
  });
  await db(T.referrals).whereNotNull('click_uid').update({ source: 'Default' });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
