import type { Knex } from 'knex';
import { T } from '../tables';

// Reports and the agent's Overview read daily roll-ups, never the clicks and ledger themselves,
// so that their cost does not grow with history (module/reports/rollups). Clicks are added as
// the click buffer is written; sign-ups and money are folded from the referrals and the ledger
// by a cursor that moves in the same transaction as the sums it added.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.dailyRollups, (t) => {
    t.integer('agent_id').notNullable();
    t.integer('program_id').notNullable();
    // The link's src= ('' for a client assigned without a link), and the end user's country
    // (ISO 3166-1 alpha-2, '' when unknown: clicks, and hosts that do not say).
    t.string('source', 32).notNullable();
    t.string('country', 2).notNullable();
    // The calendar day in the program's time zone.
    t.string('day', 10).notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('clicks').notNullable().defaultTo(0);
    t.integer('signups').notNullable().defaultTo(0);
    t.integer('qualified').notNullable().defaultTo(0);
    t.integer('paying').notNullable().defaultTo(0);
    t.bigInteger('earned_minor').notNullable().defaultTo(0);
    t.bigInteger('reversed_minor').notNullable().defaultTo(0);
    t.primary(['agent_id', 'program_id', 'source', 'country', 'day', 'currency'], 'pk_at_daily_rollups');
    t.index(['agent_id', 'day'], 'ix_at_daily_rollups_agent_day');
  });

  // How far the fold has read: one row (id 1).
  await db.schema.createTable(T.rollupCursor, (t) => {
    t.integer('id').primary();
    t.bigInteger('txn_id').notNullable();
    t.bigInteger('referral_id').notNullable();
    t.bigInteger('folded_at').notNullable();
  });
  await db(T.rollupCursor).insert({ id: 1, txn_id: 0, referral_id: 0, folded_at: 0 });

  // Each client an agent earned on, with the source and country its figures are filed under,
  // and the days it first qualified (first commission) and first paid (first commission released).
  await db.schema.createTable(T.rollupClients, (t) => {
    t.integer('agent_id').notNullable();
    t.integer('client_id').notNullable();
    t.string('source', 32).notNullable();
    t.string('country', 2).notNullable();
    t.boolean('qualified').notNullable().defaultTo(false);
    t.boolean('paying').notNullable().defaultTo(false);
    t.primary(['agent_id', 'client_id'], 'pk_at_rollup_clients');
  });

  // An agent's reports saved under a name: the period, grouping and filters (JSON), not figures.
  await db.schema.createTable(T.savedReports, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.string('name', 100).notNullable();
    t.text('params').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['agent_id', 'name'], { indexName: 'uq_at_saved_reports_name' });
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
