import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { Knex } from 'knex';
import { connect } from '../module/db/connection';

/** A fresh, empty database for one benchmark run; `drop` removes it after its pool is destroyed. */
export interface BenchDatabase {
  label: string;
  db: Knex;
  drop(): Promise<void>;
}

/** `suffix` names a second database of the same run (bench/agent-pages.ts: an empty twin). */
export function sqliteDatabase(suffix = ''): BenchDatabase {
  const file = path.join(os.tmpdir(), `at_bench_${process.pid}${suffix}.sqlite`);
  // WAL mode leaves -wal and -shm files next to the database; remove all three.
  const files = [file, `${file}-wal`, `${file}-shm`];
  const removeFiles = () => files.forEach((f) => fs.rmSync(f, { force: true }));
  removeFiles(); // a run killed before its cleanup may have left some under a reused pid
  return { label: `SQLite (${file})`, db: connect(`sqlite:${file}`), drop: () => Promise.resolve(removeFiles()) };
}

/** Hides the password, if any, when a URL is printed. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');
}

/**
 * A fresh database `at_bench_<pid>` on the MariaDB server at `serverUrl`, or the reason it could
 * not be reached (the caller decides whether that is fatal).
 */
export async function mariaDatabase(serverUrl: string, suffix = ''): Promise<BenchDatabase | { unreachable: string }> {
  const name = `at_bench_${process.pid}${suffix}`;
  let admin: mysql.Connection;
  try {
    // mysql2 directly rather than a knex pool: a short timeout, and no pool retry noise on stderr.
    admin = await mysql.createConnection({ uri: withDatabase(serverUrl, ''), connectTimeout: 5000 });
  } catch (e) {
    return { unreachable: e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : String(e) };
  }
  // IF EXISTS: a run killed before its cleanup may have left one behind under a reused pid.
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  return {
    label: `MariaDB (${redact(serverUrl)}, database ${name})`,
    db: connect(withDatabase(serverUrl, name)),
    async drop() {
      try {
        await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await admin.end();
      }
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
