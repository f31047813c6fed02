import type { Knex } from 'knex';
import { T } from '../tables';

// For several app nodes, and for a Galera cluster under them:
// - one row whose version every node raises when it changes what the caches hold (agents,
//   programs, slugs); each node reads it once a second and its caches start over when it moved;
// - a counter on each invoice's lock row, raised by whoever takes the lock. On Galera a
//   SELECT … FOR UPDATE locks only on its own node: InvoicePaid on one node and a refund on
//   another would both go ahead. Both writing the lock row makes them conflict at commit, and
//   the loser runs again, after the winner, as on one server.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.cacheVersions, (t) => {
    t.string('name', 32).primary();
    t.bigInteger('version').notNullable().defaultTo(0);
  });
  await db(T.cacheVersions).insert({ name: 'caches', version: 0 });
  await db.schema.alterTable(T.invoiceLocks, (t) => {
    t.bigInteger('taken').notNullable().defaultTo(0);
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
