import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { MIGRATIONS_TABLE } from './tables';
import { migrationSource } from './migrations';
import { isUniqueViolation } from '../core/errors';
import { isTransactionConflict } from './transaction';

/** Runs every migration of the module not yet run (see migrateLatest). */
export async function migrate(db: Knex): Promise<void> {
  await migrateLatest(db, { migrationSource, tableName: MIGRATIONS_TABLE });
}

/** A lease not renewed for this long belongs to a node that died: another may take it. */
const LEASE_MS = 60_000;
const RENEW_MS = 10_000;

/**
 * knex's migrate.latest, for several app nodes starting at once, on one server or a Galera
 * cluster. knex's own lock is not enough there: it is taken in the transaction the migrations run
 * in, which their first CREATE TABLE commits, so on Galera two nodes have been seen both taking it,
 * and a migration that fails leaves it taken for good. So the nodes first take a lease: a row
 * inserted on its own (autocommit) under a primary key, which only one node's insert can make on
 * any number of nodes (the others get a duplicate key, or on Galera a conflict). The holder
 * migrates and deletes the row; the others wait and try again, then find nothing left to run.
 * A holder that dies stops renewing its row, and after LEASE_MS another node takes it over.
 */
export async function migrateLatest(db: Knex, config: Knex.MigratorConfig & { tableName: string }): Promise<void> {
  const leases = `${config.tableName}_lease`;
  await db.raw(`CREATE TABLE IF NOT EXISTS ?? (name VARCHAR(64) NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)`, [leases]).catch((e: unknown) => {
    // Another node's CREATE at the same moment: the table is there either way.
    if (!isTransactionConflict(e)) throw e;
  });
  const holder = crypto.randomUUID();
  for (let attempt = 1; ; attempt++) {
    if (await take(db, leases, holder)) break;
    if (attempt >= 1200) throw new Error(`another node has been migrating ${config.tableName} for ${attempt / 4} s`);
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 200));
  }
  const renew = setInterval(() => {
    db(leases)
      .where({ name: 'migrate', holder })
      .update({ expires_at: Date.now() + LEASE_MS })
      .catch(() => undefined);
  }, RENEW_MS);
  try {
    await db.migrate.latest(config);
  } catch (e) {
    // The lease is ours: knex's lock, if the failure left it taken, is ours too, and freed.
    await db.migrate.forceFreeMigrationsLock(config).catch(() => undefined);
    throw e;
  } finally {
    clearInterval(renew);
    await db(leases).where({ name: 'migrate', holder }).delete();
  }
}

async function take(db: Knex, leases: string, holder: string): Promise<boolean> {
  try {
    await db(leases).where('name', 'migrate').where('expires_at', '<', Date.now()).delete();
    await db(leases).insert({ name: 'migrate', holder, expires_at: Date.now() + LEASE_MS });
    return true;
  } catch (e) {
    if (isUniqueViolation(e) || isTransactionConflict(e)) return false;
    throw e;
  }
}
