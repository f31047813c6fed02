import type { Knex } from 'knex';
import { upTicketsQuotes } from './002-tickets-quotes';
import { upServices } from './003-host-services';
import { upCheckout } from './004-host-checkout';
import { upLoginLimits } from './005-login-limits';
import { upSessions } from './006-host-sessions';
import { upClientLocale } from './007-client-locale';
import { upClientCredits } from './008-client-credits';
import { upAdminLanguage } from './009-admin-language';
import { migrateLatest } from '../../module/db/migrate';

// The reference billing platform's own tables, kept apart from the module's (host_ prefix, its
// own migrations table). Times are epoch ms; amounts integer minor units.
async function up(db: Knex): Promise<void> {
  await db.schema.createTable('host_settings', (t) => {
    t.string('key', 64).primary();
    t.text('value').notNullable();
  });
  await db.schema.createTable('host_admins', (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique('uq_host_admins_username');
    t.string('password_hash', 255).notNullable();
  });
  await db.schema.createTable('host_clients', (t) => {
    t.increments('id');
    t.string('firstname', 100).notNullable();
    t.string('lastname', 100).notNullable();
    t.string('email', 190).notNullable().unique('uq_host_clients_email');
    t.string('companyname', 190).nullable();
    t.string('phonenumber', 40).nullable();
    t.string('status', 16).notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('host_users', (t) => {
    t.increments('id');
    t.integer('client_id').notNullable();
    t.string('email', 190).notNullable().unique('uq_host_users_email');
    t.string('password_hash', 255).notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('host_product_groups', (t) => {
    t.increments('id');
    t.string('name', 120).notNullable();
  });
  await db.schema.createTable('host_products', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable();
    t.string('name', 120).notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('price_minor').notNullable();
    t.bigInteger('setup_minor').notNullable();
  });
  await db.schema.createTable('host_invoices', (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().index('ix_host_invoices_client');
    t.string('currency', 3).notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('total_minor').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('date_paid').nullable();
    t.bigInteger('date_refunded').nullable();
  });
  await db.schema.createTable('host_invoice_items', (t) => {
    t.increments('id');
    t.integer('invoice_id').notNullable().index('ix_host_items_invoice');
    t.string('description', 255).notNullable();
    t.string('type', 32).notNullable();
    t.integer('product_id').nullable();
    t.bigInteger('amount_minor').notNullable();
  });
  await db.schema.createTable('host_orders', (t) => {
    t.increments('id');
    t.integer('client_id').notNullable();
    t.integer('product_id').notNullable();
    t.integer('invoice_id').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('host_emails', (t) => {
    t.increments('id');
    t.string('to', 190).notNullable();
    t.string('subject', 255).notNullable();
    t.text('text').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  // As WHMCS keeps them: units of each currency per one unit of the default (rate "1").
  await db.schema.createTable('host_currencies', (t) => {
    t.string('code', 3).primary();
    t.string('rate', 32).notNullable();
  });
  await db('host_currencies').insert([
    { code: 'USD', rate: '1' },
    { code: 'EUR', rate: '0.92' },
    { code: 'KES', rate: '129.50' },
    { code: 'RUB', rate: '92.40' },
  ]);
  await db.schema.createTable('host_cron_runs', (t) => {
    t.string('day', 10).primary();
    t.bigInteger('started_at').notNullable();
  });
}

// The platform's migrations, in order; add the next one at the end, never edit one on main.
const MIGRATIONS: [string, (db: Knex) => Promise<void>][] = [
  ['001-host', up],
  ['002-host-tickets-quotes', upTicketsQuotes],
  ['003-host-services', upServices],
  ['004-host-checkout', upCheckout],
  ['005-host-login-limits', upLoginLimits],
  ['006-host-sessions', upSessions],
  ['007-client-locale', upClientLocale],
  ['008-client-credits', upClientCredits],
  ['009-admin-language', upAdminLanguage],
];

const source: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(MIGRATIONS.map(([name]) => name)),
  getMigrationName: (n) => n,
  getMigration: (name) => {
    const found = MIGRATIONS.find(([n]) => n === name);
    if (!found) return Promise.reject(new Error(`unknown host migration ${name}`));
    return Promise.resolve({ up: found[1], down: () => Promise.resolve() });
  },
};

export async function migrateHost(db: Knex): Promise<void> {
  // Several app nodes may start at once: the loser of knex's lock waits and tries again.
  await migrateLatest(db, { migrationSource: source, tableName: 'host_migrations' });
}
