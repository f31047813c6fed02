import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../tables';
import { asRows, json, num } from '../columns';

/**
 * Measured targets and probation (issue #11 §2–3).
 *
 * The targets table was the admin's "met the month's targets" checkbox; it becomes the admin's
 * override of a month's measured result, met or not, with who and why (the rows already there
 * were ticks: met). Every override is also kept in the target log. A month is closed once per
 * agent (target_months: the figures and the result) and once per program (target_runs: every
 * agent of the month closed), so that the daily cron closes each month once and catches up.
 *
 * A probation is a row per agent and start; its warnings a row each, written before the e-mail
 * is sent, so that neither a second cron run nor a second node sends one twice.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable(T.targets, (t) => {
    t.boolean('met').notNullable().defaultTo(true);
    t.string('reason', 255).nullable();
    t.string('actor', 120).nullable();
    t.bigInteger('created_at').nullable();
  });

  await db.schema.createTable(T.targetLog, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.string('month', 7).notNullable();
    // null: the override was withdrawn and the measured figures decide again.
    t.boolean('met').nullable();
    t.string('reason', 255).notNullable();
    t.string('actor', 120).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['agent_id', 'month'], 'ix_at_target_log_agent');
  });

  await db.schema.createTable(T.targetMonths, (t) => {
    t.integer('agent_id').notNullable();
    t.string('month', 7).notNullable();
    t.integer('program_id').notNullable();
    t.bigInteger('sales_minor').notNullable();
    t.string('currency', 3).notNullable();
    t.integer('new_customers').notNullable();
    t.boolean('met').notNullable();
    // measured, or override (an admin's decision stood in for the figures).
    t.string('decided_by', 16).notNullable();
    t.bigInteger('closed_at').notNullable();
    t.primary(['agent_id', 'month'], 'pk_at_target_months');
  });

  await db.schema.createTable(T.targetRuns, (t) => {
    t.integer('program_id').notNullable();
    t.string('month', 7).notNullable();
    t.bigInteger('ran_at').notNullable();
    t.primary(['program_id', 'month'], 'pk_at_target_runs');
  });

  await monthsBeforeAreClosed(db);

  await db.schema.createTable(T.probations, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.integer('program_id').notNullable();
    t.string('tier', 64).notNullable();
    t.bigInteger('started_at').notNullable();
    // 00:00 (program zone) of the day `days` calendar days after the start: a sale before it passes.
    t.bigInteger('deadline_at').notNullable();
    // open → passed (a paid sale), failed (none by the deadline) or left (the agent left the tier).
    t.string('status', 16).notNullable();
    t.bigInteger('ended_at').nullable();
    t.unique(['agent_id', 'started_at'], { indexName: 'ux_at_probations_start' });
    t.index(['status', 'deadline_at'], 'ix_at_probations_open');
  });

  await db.schema.createTable(T.probationWarnings, (t) => {
    t.integer('probation_id').notNullable();
    t.integer('day').notNullable();
    t.string('to', 190).notNullable();
    t.string('status', 16).notNullable();
    t.string('error', 255).nullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['probation_id', 'day'], 'pk_at_probation_warnings');
  });
}

/**
 * The months before this upgrade were settled by the checkbox, their bonus paid with each sale:
 * they are recorded as closed, so that the measured targets never pay a past month again. The
 * month of the upgrade is closed by the cron like any other (a line that carries its bonus already
 * gets none more).
 */
async function monthsBeforeAreClosed(db: Knex): Promise<void> {
  const now = Date.now();
  for (const p of asRows(await db(T.programs).select('id', 'created_at', 'current_version'))) {
    const version = asRows(
      await db(T.programVersions)
        .where({ program_id: num(p.id), version: num(p.current_version) })
        .select('definition'),
    )[0];
    const def = version ? json(version.definition) : null;
    const zone = typeof def === 'object' && def !== null && 'timezone' in def && typeof def.timezone === 'string' ? def.timezone : 'UTC';
    const current = DateTime.fromMillis(now, { zone }).startOf('month');
    let month = DateTime.fromMillis(num(p.created_at), { zone }).startOf('month');
    // A zone luxon cannot read gives an invalid date: such a program's months are left to the cron.
    if (!month.isValid || !current.isValid) continue;
    const rows: { program_id: number; month: string; ran_at: number }[] = [];
    for (; month < current; month = month.plus({ months: 1 })) rows.push({ program_id: num(p.id), month: month.toFormat('yyyy-LL'), ran_at: now });
    for (let i = 0; i < rows.length; i += 500) await db(T.targetRuns).insert(rows.slice(i, i + 500));
  }
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
