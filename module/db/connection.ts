import { errorMessage } from '../core/errors';
import fs from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { z } from 'zod';
import { Failover, hostUris } from './failover';

export type Dialect = 'sqlite' | 'mysql';

/** A database URL this module cannot open: its scheme is none it knows, or nothing is there. */
export class DatabaseUrlError extends Error {}

/**
 * One knex instance from a URL: `mysql://user:pass@host:3306/db` for MySQL / MariaDB, or
 * `sqlite:path/to/file.sqlite` (the embedded default). Any other scheme is refused rather than
 * read as a file name (`postgres://x` would otherwise become a new, empty SQLite file). The
 * file's folder is created if missing, unless `mustExist`: then a missing file is refused too.
 */
export function connect(url: string, { mustExist = false }: { mustExist?: boolean } = {}): Knex {
  if (!/^(mysql:\/\/|mariadb:\/\/|sqlite:)/.test(url)) {
    throw new DatabaseUrlError(`unknown database URL ${redactUrl(url)}: use mysql://user:password@host:3306/db, mariadb://… or sqlite:path/to/file.sqlite`);
  }
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) {
    const options = {
      // Amounts are BIGINT; keep them exact and let minor() refuse anything past 2^53.
      supportBigNumbers: true,
      bigNumberStrings: false,
      timezone: 'Z',
      charset: 'utf8mb4',
    };
    const uris = hostUris(url.replace(/^mariadb:/, 'mysql:'));
    const [only] = uris;
    if (only !== undefined && uris.length === 1) return knex({ client: 'mysql2', connection: { uri: only, ...options }, pool: { min: 0, max: 10 } });
    // Several hosts (the nodes of a Galera cluster): see Failover.
    const failover = new Failover(uris);
    return knex({
      client: 'mysql2',
      connection: async () => ({ uri: await failover.choose(), ...options, expirationChecker: () => failover.expired() }),
      pool: { min: 0, max: 10, afterCreate: (conn: unknown, done: (err: Error | null, c: unknown) => void) => done(null, failover.watch(conn)) },
    });
  }
  const file = url.replace(/^sqlite:(\/\/)?/, '');
  if (mustExist && (file === ':memory:' || !fs.existsSync(file))) throw new DatabaseUrlError(`no SQLite database at ${file}`);
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

/** The URL as it may be printed: without its password. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}

/** A database that does not answer is named in one line, its password hidden, not in a driver's stack trace. */
export async function assertReachable(db: Knex, url: string): Promise<void> {
  try {
    await db.raw('select 1');
  } catch (e) {
    throw new DatabaseUrlError(`cannot reach the database at ${redactUrl(url)}: ${errorMessage(e)}`, { cause: e });
  }
}
