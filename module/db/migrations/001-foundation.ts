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
    // Copied from the current version for the redirect and the sign-up, which must not parse it.
    t.string('currency', 3).notNullable();
    t.integer('cookie_days').notNullable();
    t.string('attribution', 16).notNullable();
    t.integer('current_version').notNullable();
    t.bigInteger('created_at').notNullable();
  });

  // Every version of every program's terms, kept for ever: a referral keeps the terms it came in
  // under, so a commission years later is computed from the version its referral names.
  await db.schema.createTable(T.programVersions, (t) => {
    t.increments('id');
    t.integer('program_id').notNullable();
    t.integer('version').notNullable();
    t.text('definition').notNullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['program_id', 'version'], { indexName: 'uq_at_program_versions' });
  });

  await db.schema.createTable(T.agents, (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().unique('uq_at_agents_client');
    t.integer('program_id').unsigned().notNullable().references('id').inTable(T.programs);
    t.string('status', 16).notNullable();
    t.string('blocked_reason', 255).nullable();
    t.string('tier', 64).nullable();
    t.integer('rate_bp').nullable();
    t.string('certification', 16).nullable();
    // Invoices that earned this agent a sales commission: the level multiplier reads it under
    // the row lock that its increment takes.
    t.integer('paid_orders').notNullable().defaultTo(0);
    t.bigInteger('created_at').notNullable();
  });

  await db.schema.createTable(T.targets, (t) => {
    t.integer('agent_id').notNullable();
    t.string('month', 7).notNullable();
    t.primary(['agent_id', 'month'], 'pk_at_targets');
  });

  await db.schema.createTable(T.performers, (t) => {
    t.integer('invoice_line_id').primary();
    t.integer('agent_id').notNullable();
    t.bigInteger('recorded_at').notNullable();
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

  // A client's assignment to an agent: one row per client, exclusive and for life, until an
  // admin unassigns (ended_at) or reassigns it; the history is in the assignment log.
  await db.schema.createTable(T.referrals, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.integer('client_id').notNullable().unique('uq_at_referrals_client');
    t.integer('program_id').notNullable();
    t.integer('terms_version').notNullable();
    t.string('click_uid', 32).nullable();
    t.bigInteger('clicked_at').nullable();
    t.string('rule', 32).notNullable();
    t.integer('first_paid_invoice_id').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('closed_at').nullable();
    t.bigInteger('ended_at').nullable();
    t.index(['agent_id', 'created_at'], 'ix_at_referrals_agent');
  });

  // A client's grant of access to their service manager (one at most); its history is the
  // assignment log. The agent's power over the client exists exactly while this row does.
  await db.schema.createTable(T.serviceManagers, (t) => {
    t.integer('client_id').primary();
    t.integer('agent_id').notNullable().index('ix_at_service_managers_agent');
    t.text('permissions').notNullable();
    t.string('granted_by', 120).notNullable();
    t.bigInteger('granted_at').notNullable();
  });

  await db.schema.createTable(T.assignmentLog, (t) => {
    t.increments('id');
    t.integer('client_id').notNullable();
    t.integer('from_agent_id').nullable();
    t.integer('to_agent_id').nullable();
    t.string('reason', 255).notNullable();
    t.string('actor', 120).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['client_id'], 'ix_at_assignment_log_client');
  });

  await db.schema.createTable(T.commissions, (t) => {
    t.bigIncrements('id');
    t.integer('agent_id').notNullable();
    t.integer('program_id').notNullable();
    t.integer('client_id').notNullable();
    t.integer('invoice_id').notNullable();
    t.integer('invoice_line_id').notNullable();
    // 'auto' for what the program's rules computed, 'manual:<key>' for an admin's entry.
    t.string('rule', 64).notNullable();
    t.string('role', 32).notNullable();
    t.string('sales_rule', 64).nullable();
    t.string('tier', 64).nullable();
    t.integer('terms_version').notNullable();
    t.bigInteger('base_minor').notNullable();
    // Why: the rate parts (JSON), e.g. 20 % sales + 40 % advanced technical + 3 % target bonus.
    t.text('parts').notNullable();
    t.bigInteger('amount_minor').notNullable();
    // Taken back so far by refunds or forfeiture; the rest is still the agent's.
    t.bigInteger('adjusted_minor').notNullable();
    t.string('currency', 3).notNullable();
    // pending → available; voided / reversed when fully taken back; rejected never entered
    // the ledger; forfeited when the agent was blocked. The money moves only in the ledger.
    t.string('status', 16).notNullable();
    t.string('reason', 255).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('available_at').notNullable();
    // One commission per invoice line, agent and rule: the database, not the code, makes a
    // twice-delivered InvoicePaid harmless.
    t.unique(['invoice_line_id', 'agent_id', 'rule'], { indexName: 'uq_at_commissions_line_agent_rule' });
    t.index(['invoice_id'], 'ix_at_commissions_invoice');
    t.index(['agent_id', 'created_at'], 'ix_at_commissions_agent');
    t.index(['client_id', 'agent_id'], 'ix_at_commissions_client');
    t.index(['status', 'available_at'], 'ix_at_commissions_due');
  });

  await db.schema.createTable(T.refunds, (t) => {
    t.increments('id');
    t.integer('invoice_id').notNullable();
    t.string('refund_key', 100).notNullable().unique('uq_at_refunds_key');
    t.bigInteger('amount_minor').notNullable();
    // The refunded lines, when the host named them (JSON); null: spread over the whole invoice.
    t.text('line_ids').nullable();
    t.bigInteger('created_at').notNullable();
  });

  // One row per program and payout period: the first cron run of the period generates payouts.
  await db.schema.createTable(T.payoutRuns, (t) => {
    t.integer('program_id').notNullable();
    t.string('period', 16).notNullable();
    t.bigInteger('ran_at').notNullable();
    t.primary(['program_id', 'period'], 'pk_at_payout_runs');
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
    // Reserved from the available balance; withholding tax is kept back when it is paid.
    t.bigInteger('amount_minor').notNullable();
    t.integer('tax_bp').notNullable();
    t.bigInteger('tax_minor').notNullable();
    t.string('status', 16).notNullable();
    t.string('reason', 255).nullable();
    t.bigInteger('requested_at').notNullable();
    t.bigInteger('paid_at').nullable();
    t.integer('paid_by_admin').nullable();
    // Set for payouts the schedule generated: the period they pay ("2026-Q2", "2026-04-15").
    t.string('period', 16).nullable();
    t.unique(['agent_id', 'period'], { indexName: 'uq_at_withdrawals_period' });
    t.index(['agent_id', 'requested_at'], 'ix_at_withdrawals_agent');
    t.index(['status'], 'ix_at_withdrawals_status');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
