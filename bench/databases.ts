import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { connect } from '../module/db/connection';

/** A fresh, empty database for one benchmark run; `drop` removes it after its pool is destroyed. */
export interface BenchDatabase {
  label: string;
  db: Knex;
  drop(): Promise<void>;
}

export function sqliteDatabase(): BenchDatabase {
  const file = path.join(os.tmpdir(), `at_bench_${process.pid}.sqlite`);
  // WAL mode leaves -wal and -shm files next to the database; remove all three.
  const files = [file, `${file}-wal`, `${file}-shm`];
  files.forEach((f) => fs.rmSync(f, { force: true }));
  return {
    label: `SQLite (${file})`,
    db: connect(`sqlite:${file}`),
    async drop() {
      files.forEach((f) => fs.rmSync(f, { force: true }));
    },
  };
}

/** Hides the password, if any, when a URL is printed. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:…@');
}

/**
 * A fresh database `at_bench_<pid>` on the MariaDB server at `serverUrl`, or null when the server
 * does not answer (the caller decides whether that is fatal).
 */
export async function mariaDatabase(serverUrl: string): Promise<BenchDatabase | null> {
  const name = `at_bench_${process.pid}`;
  const admin = connect(withDatabase(serverUrl, ''));
  try {
    // A refused or firewalled port must not hang the whole run: give the server a few seconds.
    await withTimeout(admin.raw('SELECT 1'), 5000);
  } catch {
    await admin.destroy();
    return null;
  }
  await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
  await admin.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  return {
    label: `MariaDB (${redact(serverUrl)}, database ${name})`,
    db: connect(withDatabase(serverUrl, name)),
    async drop() {
      try {
        await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
      } finally {
        await admin.destroy();
      }
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
