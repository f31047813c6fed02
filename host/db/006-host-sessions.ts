import type { Knex } from 'knex';
import { dialectOf } from '../../module/db/connection';

/**
 * The session store's table, made here, under the migration lease, rather than by the store on
 * each node's start: connect-session-knex checks for it and then creates it, and three nodes
 * starting at once on an empty database all found it missing, two of them failing on the third's
 * CREATE (an unhandled rejection that ended the process). Same columns as the store makes; a
 * database where the store already made it keeps it.
 */
export async function upSessions(db: Knex): Promise<void> {
  if (await db.schema.hasTable('host_sessions')) return;
  await db.schema.createTable('host_sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    if (dialectOf(db) === 'mysql') t.dateTime('expired').notNullable().index();
    else t.timestamp('expired').notNullable().index();
  });
}
