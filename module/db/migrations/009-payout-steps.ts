import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../tables';
import { asRows, json, num } from '../columns';

export async function up(db: Knex): Promise<void> {
  // One row per agent, program and payout period, written in the transaction that reserves the
  // agent's payout: a cron run that stops half-way leaves the paid agents' rows, and the next run
  // pays only the others. The period's payout run row is written once every agent has one.
  await db.schema.createTable(T.payoutSteps, (t) => {
    t.integer('program_id').notNullable();
    t.string('period', 16).notNullable();
    t.integer('agent_id').notNullable();
    // 'paid' (withdrawal_id says which) or 'below' (under the threshold or nothing available).
    t.string('outcome', 16).notNullable();
    t.integer('withdrawal_id').nullable();
    t.bigInteger('created_at').notNullable();
    t.primary(['program_id', 'period', 'agent_id'], 'pk_at_payout_steps');
  });

  // A row per invoice that InvoicePaid and InvoiceRefunded lock before they write: one waits for
  // the other, so a refund never misses the commissions of a payment being worked out.
  await db.schema.createTable(T.invoiceLocks, (t) => {
    t.integer('invoice_id').notNullable().primary('pk_at_invoice_locks');
  });

  await holdsToStartOfDay(db);
}

/**
 * A hold now ends at 00:00 of a day in the program's zone. The pending commissions written before
 * end at the hour they were paid, on the day the agent's page has always shown them as available:
 * moving them to the start of that day keeps that promise (nobody's money comes later, and at
 * most some hours sooner) and makes every pending row follow the one rule.
 */
async function holdsToStartOfDay(db: Knex): Promise<void> {
  for (const v of asRows(await db(T.programVersions).select('program_id', 'version', 'definition'))) {
    const def = json(v.definition);
    const zone = typeof def === 'object' && def !== null && 'timezone' in def && typeof def.timezone === 'string' ? def.timezone : 'UTC';
    const pending = asRows(
      await db(T.commissions)
        .where({ program_id: num(v.program_id), terms_version: num(v.version), status: 'pending' })
        .select('id', 'available_at'),
    );
    for (const c of pending) {
      const at = num(c.available_at);
      const start = DateTime.fromMillis(at, { zone }).startOf('day').toMillis();
      // A zone luxon cannot read gives NaN; the NOT NULL update would fail after the tables above
      // were made (MariaDB commits DDL at once), leaving the database half-migrated. Such a row
      // keeps its hour-of-payment end, which is the day its agent was promised anyway.
      if (!Number.isFinite(start)) continue;
      if (start !== at)
        await db(T.commissions)
          .where({ id: num(c.id) })
          .update({ available_at: start });
    }
  }
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
