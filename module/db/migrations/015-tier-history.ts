import type { Knex } from 'knex';
import { T } from '../tables';

/**
 * Tiers over time (issue #11 §2–3).
 *
 * tier_history: every change of an agent's tier, from the evaluation, a mid-period upgrade or an
 * admin, with the day it takes effect (program zone), the measured figures and the rule that
 * decided. A change decided by the cron carries a key (the period it measured, or the upgrade's
 * month): unique per agent, so that two nodes or a second run decide it once. applied_at is set
 * when the agent's tier was changed to it (a change may wait for its day).
 * tier_runs: a program's period evaluated for every agent, so that the cron catches up once each.
 * agent_checklist: the admin's answer per agent and checklist item; checklist_log keeps who and when.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.tierHistory, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.integer('program_id').notNullable();
    t.string('from_tier', 64).nullable();
    t.string('to_tier', 64).notNullable();
    t.string('effective_on', 10).notNullable();
    t.bigInteger('effective_at').notNullable();
    t.bigInteger('applied_at').nullable();
    // evaluation, mid_period_upgrade, admin, restart
    t.string('rule', 32).notNullable();
    t.string('period', 16).nullable();
    // JSON: sales_minor, currency, months, new_customers, paid_orders (null for an admin's change).
    t.text('figures').nullable();
    // rest_of_year_and_next: the last day the tier cannot be lowered by the evaluation.
    t.string('kept_until', 10).nullable();
    t.string('actor', 120).notNullable();
    t.string('reason', 255).notNullable();
    t.string('decision_key', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.unique(['agent_id', 'decision_key'], { indexName: 'ux_at_tier_history_key' });
    t.index(['agent_id', 'id'], 'ix_at_tier_history_agent');
    t.index(['applied_at', 'effective_at'], 'ix_at_tier_history_due');
  });

  await db.schema.createTable(T.tierRuns, (t) => {
    t.integer('program_id').notNullable();
    t.string('period', 16).notNullable();
    t.bigInteger('ran_at').notNullable();
    t.primary(['program_id', 'period'], 'pk_at_tier_runs');
  });

  await db.schema.createTable(T.agentChecklist, (t) => {
    t.integer('agent_id').notNullable();
    t.string('item', 64).notNullable();
    // check: 1; count: the number; level: the level's key. No row: not done.
    t.string('value', 64).notNullable();
    t.string('actor', 120).notNullable();
    t.bigInteger('updated_at').notNullable();
    t.primary(['agent_id', 'item'], 'pk_at_agent_checklist');
  });

  await db.schema.createTable(T.checklistLog, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.string('item', 64).notNullable();
    // null: cleared.
    t.string('value', 64).nullable();
    t.string('actor', 120).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['agent_id', 'id'], 'ix_at_checklist_log_agent');
  });

  // The evaluation sums a program's sales commissions of a period in one grouped query.
  await db.schema.alterTable(T.commissions, (t) => {
    t.index(['program_id', 'created_at'], 'ix_at_commissions_program_time');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
