import type { Knex } from 'knex';
import { T } from '../tables';

// Times are epoch milliseconds (BIGINT) on both databases: exact, comparable and zone-free;
// luxon turns them into the program's local dates where a rule needs one.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.settings, (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
  });

  await db.schema.createTable(T.programs, (t) => {
    t.increments('id');
    t.string('slug', 64).notNullable().unique('uq_at_programs_slug');
    t.string('name', 120).notNullable();
    t.string('currency', 3).notNullable();
    t.string('timezone', 64).notNullable();
    t.integer('cookie_days').notNullable();
    t.integer('hold_days').notNullable();
    t.integer('rate_bp').notNullable();
    t.bigInteger('payout_threshold_minor').notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await db.schema.createTable(T.agents, (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().unique('uq_at_agents_client');
    t.integer('program_id').unsigned().notNullable().references('id').inTable(T.programs);
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await db.schema.createTable(T.clicks, (t) => {
    t.bigIncrements('id');
    t.integer('agent_id').notNullable();
    t.string('uid', 32).notNullable();
    t.bigInteger('created_at').notNullable();
    t.string('ip', 45).notNullable();
    t.string('user_agent', 255).notNullable();
    t.string('referer', 255).notNullable();
    t.index(['agent_id', 'created_at'], 'ix_at_clicks_agent_time');
  });

  await db.schema.createTable(T.referrals, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.integer('client_id').notNullable().unique('uq_at_referrals_client');
    t.string('click_uid', 32).nullable();
    t.bigInteger('clicked_at').nullable();
    t.string('rule', 32).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('closed_at').nullable();
    t.index(['agent_id', 'created_at'], 'ix_at_referrals_agent');
  });

  await db.schema.createTable(T.commissions, (t) => {
    t.bigIncrements('id');
    t.integer('agent_id').notNullable();
    t.integer('program_id').notNullable();
    t.integer('client_id').notNullable();
    t.integer('invoice_id').notNullable();
    t.integer('invoice_line_id').notNullable();
    t.string('rule', 32).notNullable();
    t.bigInteger('base_minor').notNullable();
    t.integer('rate_bp').notNullable();
    t.bigInteger('amount_minor').notNullable();
    t.string('currency', 3).notNullable();
    // pending → available → (voided | reversed); the money itself moves only in the ledger.
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('available_at').notNullable();
    // One commission per invoice line, agent and rule: the database, not the code, makes a
    // twice-delivered InvoicePaid harmless.
    t.unique(['invoice_line_id', 'agent_id', 'rule'], { indexName: 'uq_at_commissions_line_agent_rule' });
    t.index(['invoice_id'], 'ix_at_commissions_invoice');
    t.index(['agent_id', 'created_at'], 'ix_at_commissions_agent');
    t.index(['status', 'available_at'], 'ix_at_commissions_due');
  });

  await db.schema.createTable(T.txns, (t) => {
    t.bigIncrements('id');
    t.string('idem_key', 120).notNullable().unique('uq_at_txns_idem');
    t.string('kind', 32).notNullable();
    t.bigInteger('commission_id').nullable();
    t.integer('withdrawal_id').nullable();
    t.string('memo', 255).notNullable();
    t.bigInteger('created_at').notNullable();
  });

  await db.schema.createTable(T.entries, (t) => {
    t.bigIncrements('id');
    t.bigInteger('txn_id').notNullable();
    // 0 is the house (the provider's side of every entry).
    t.integer('agent_id').notNullable();
    t.string('account', 32).notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('amount_minor').notNullable();
    t.index(['txn_id'], 'ix_at_entries_txn');
    t.index(['agent_id', 'currency', 'account'], 'ix_at_entries_account');
  });

  await db.schema.createTable(T.balances, (t) => {
    t.integer('agent_id').notNullable();
    t.string('account', 32).notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('balance_minor').notNullable();
    t.primary(['agent_id', 'account', 'currency'], 'pk_at_balances');
  });

  await db.schema.createTable(T.withdrawals, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('amount_minor').notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('paid_at').nullable();
    t.integer('paid_by_admin').nullable();
    t.index(['agent_id', 'requested_at'], 'ix_at_withdrawals_agent');
    t.index(['status'], 'ix_at_withdrawals_status');
  });
}

export async function down(): Promise<void> {
  throw new Error('Agent Tools migrations are forward-only');
}
