import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { z } from 'zod';

export type Dialect = 'sqlite' | 'mysql';

/**
 * One knex instance from a URL: `mysql://user:pass@host:3306/db` for MySQL / MariaDB, or
 * `sqlite:path/to/file.sqlite` (the embedded default). The file's folder is created if missing.
 */
export function connect(url: string): Knex {
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    return knex({
      client: 'mysql2',
      connection: {
        uri: url.replace(/^mariadb:/, 'mysql:'),
        // Amounts are BIGINT; keep them exact and let minor() refuse anything past 2^53.
        supportBigNumbers: true,
        bigNumberStrings: false,
        timezone: 'Z',
        charset: 'utf8mb4',
      },
      pool: { min: 0, max: 10 },
    });
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  return knex({
    client: 'better-sqlite3',
    connection: { filename: file },
    useNullAsDefault: true,
    pool: {
      afterCreate(conn: { pragma(s: string): unknown }, done: (err: Error | null, c: unknown) => void) {
        // WAL lets readers (the dashboard) go on while a writer (a hook) commits.
        conn.pragma('journal_mode = WAL');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('foreign_keys = ON');
        done(null, conn);
      },
    },
  });
}

/** The part of knex's client (typed any) that names the driver: `connect` always gives its name. */
const knexClient = z.object({ config: z.object({ client: z.string() }) });

export function dialectOf(db: Knex): Dialect {
  const { client } = knexClient.parse(db.client).config;
  return client === 'mysql2' || client === 'mysql' ? 'mysql' : 'sqlite';
}
