import type { Knex } from 'knex';
import { MIGRATIONS_TABLE } from './tables';
import { migrationSource } from './migrations';

/**
 * Runs every migration not yet run. Several app nodes may start at once: knex refuses a second
 * migrator rather than waiting (its lock, or its own bookkeeping tables, are taken), so the
 * loser waits and tries again.
 */
export async function migrate(db: Knex): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
      return;
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      const contended = error.name === 'MigrationLocked' || /already exists|already locked|Duplicate entry/i.test(error.message);
      if (!contended || attempt >= 240) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
