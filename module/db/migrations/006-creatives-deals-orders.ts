import type { Knex } from 'knex';
import { T } from '../tables';
import { dialectOf } from '../connection';

// Creatives, deal registration, per-order attribution and agents' devices; and on each referral
// the evidence that won it (the code typed, the registered domain), beside the click and rule.
export async function up(db: Knex): Promise<void> {
  // Banners and text links an admin uploads. The image lives in the database, so that every app
  // node serves it; archived creatives leave the Assets page but keep serving, because agents'
  // sites still embed them.
  await db.schema.createTable(T.creatives, (t) => {
    t.increments('id');
    t.string('kind', 8).notNullable();
    t.string('name', 120).notNullable();
    t.string('alt', 255).notNullable().defaultTo('');
    t.string('link_text', 255).nullable();
    /** A path on the provider's site the creative leads to (the deep link's `to=`), or null for home. */
    t.string('landing', 255).nullable();
    t.integer('width').nullable();
    t.integer('height').nullable();
    t.string('mime', 32).nullable();
    // A BLOB is 64 KiB on MySQL; banners are larger.
    if (dialectOf(db) === 'mysql') t.specificType('image', 'mediumblob').nullable();
    else t.binary('image').nullable();
    t.string('etag', 64).nullable();
    t.string('status', 16).notNullable().defaultTo('active');
    t.string('created_by', 120).notNullable();
    t.bigInteger('created_at').notNullable();
  });

  // Deal registration: an agent registers a customer's domain; one agent per domain.
  await db.schema.createTable(T.domains, (t) => {
    t.increments('id');
    t.string('domain', 253).notNullable().unique('ux_at_domains_domain');
    t.integer('agent_id').notNullable().index('ix_at_domains_agent');
    t.string('customer', 120).notNullable().defaultTo('');
    t.bigInteger('created_at').notNullable();
  });

  // An admin's override of who referred one order, keyed by the order's invoice (the unit that
  // earns); agent_id null means no one earns on it.
  await db.schema.createTable(T.orderReferrals, (t) => {
    t.integer('invoice_id').primary();
    t.integer('order_id').notNullable();
    t.integer('client_id').notNullable();
    t.integer('agent_id').nullable();
    t.integer('program_id').nullable();
    t.integer('terms_version').nullable();
    // Each change counts up; the commissions it makes carry it in their rule, so that a change
    // back to an earlier agent makes theirs anew rather than colliding with the voided ones.
    t.integer('version').notNullable().defaultTo(1);
    t.string('actor', 120).notNullable();
    t.string('reason', 255).notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.alterTable(T.assignmentLog, (t) => {
    t.integer('order_id').nullable();
  });

  // Browsers an agent has used the module's pages from (a random id in a signed cookie), so that a
  // sign-up from the same device is known for a self-referral.
  await db.schema.createTable(T.agentDevices, (t) => {
    t.string('device', 43).notNullable();
    t.integer('agent_id').notNullable();
    t.bigInteger('seen_at').notNullable();
    t.primary(['device', 'agent_id']);
  });

  await db.schema.alterTable(T.referrals, (t) => {
    t.string('evidence', 255).nullable();
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
