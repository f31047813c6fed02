import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import { connect } from '../../module/db/connection';

export type DatabaseKind = 'sqlite' | 'mariadb';

/** Where the MariaDB tests connect; each run makes its own database there and drops it after. */
const MYSQL_SERVER = process.env.AGENTTOOLS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
/** Set by .ci/run: MariaDB tests must run, not skip. */
const REQUIRE_MARIADB = process.env.AGENTTOOLS_REQUIRE_MARIADB === '1';

let mariadbReachable: Promise<boolean> | null = null;
let warned = false;

function probeMariadb(): Promise<boolean> {
  mariadbReachable ??= (async () => {
    const probe = knex({ client: 'mysql2', connection: { uri: `${MYSQL_SERVER}/`, connectTimeout: 2000 } as Knex.MySql2ConnectionConfig, pool: { min: 0, max: 1 } });
    try {
      await probe.raw('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await probe.destroy();
    }
  })();
  return mariadbReachable;
}

let counter = 0;

export interface TestDatabase {
  kind: DatabaseKind;
  /** A URL for a second, independent connection pool to the same database (a second "node"). */
  url: string;
  db: Knex;
  drop(): Promise<void>;
}

/** A fresh, empty database of the given kind; `drop()` removes it. */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  counter++;
  if (kind === 'sqlite') {
    const file = path.join(os.tmpdir(), `agenttools-test-${process.pid}-${counter}-${Date.now()}.sqlite`);
    const url = `sqlite:${file}`;
    const db = connect(url);
    return {
      kind,
      url,
      db,
      async drop() {
        await db.destroy();
        for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
      },
    };
  }
  const name = `at_test_${process.pid}_${counter}_${Date.now() % 100000}`;
  const admin = knex({ client: 'mysql2', connection: { uri: `${MYSQL_SERVER}/` } as Knex.MySql2ConnectionConfig, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  const url = `${MYSQL_SERVER}/${name}`;
  const db = connect(url);
  return {
    kind,
    url,
    db,
    async drop() {
      await db.destroy();
      await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.destroy();
    },
  };
}

/**
 * Runs the same suite on SQLite and on MariaDB. Each suite gets its own database. MariaDB
 * suites skip with a message when no server answers, unless AGENTTOOLS_REQUIRE_MARIADB=1.
 */
export function onEachDatabase(title: string, suite: (ctx: { current: () => TestDatabase }) => void, kinds: DatabaseKind[] = ['sqlite', 'mariadb']): void {
  for (const kind of kinds) {
    describe(`${title} [${kind}]`, function () {
      let current: TestDatabase | null = null;
      before(async function () {
        if (kind === 'mariadb' && !(await probeMariadb())) {
          if (REQUIRE_MARIADB) throw new Error(`MariaDB is required (AGENTTOOLS_REQUIRE_MARIADB=1) but ${MYSQL_SERVER} does not answer`);
          if (!warned) console.warn(`\n  MariaDB not reachable at ${MYSQL_SERVER}: its suites are skipped (set AGENTTOOLS_TEST_MYSQL_URL to point at one).\n`);
          warned = true;
          this.skip();
        }
        current = await createTestDatabase(kind);
      });
      suite({
        current() {
          if (!current) throw new Error('database not ready');
          return current;
        },
      });
      // Registered after the suite's own hooks, so that it runs after them.
      after(async () => {
        await current?.drop();
        current = null;
      });
    });
  }
}
