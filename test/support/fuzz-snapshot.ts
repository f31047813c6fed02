import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { T } from '../../module/db/tables';

/**
 * Tables a refusal writes to on purpose: a service manager signed in as the client who asks for
 * what was not granted is refused and that refusal is written down for the client to read.
 */
const WRITTEN_ON_REFUSAL: readonly string[] = [T.signInAudit];

const names = z.array(z.object({ name: z.string() }));

/** Every table of the module, as the database lists them (so that a table added later is counted too). */
export async function moduleTables(db: Knex): Promise<string[]> {
  const rows =
    db.client.config.client === 'mysql2'
      ? (await db.raw("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE 'mod\\_agenttools\\_%'"))[0]
      : await db.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'mod_agenttools_%'");
  return names
    .parse(rows)
    .map((r) => r.name)
    .filter((n) => !WRITTEN_ON_REFUSAL.includes(n))
    .sort();
}

export type Snapshot = Map<string, string>;

const checksums = z.array(z.object({ Table: z.string(), Checksum: z.union([z.number(), z.string(), z.null()]) }));

/**
 * A digest of each table's rows: MariaDB's live CHECKSUM TABLE (one statement for all, a few ms),
 * on SQLite the rows themselves in an order that does not depend on how they are returned.
 */
export async function snapshot(db: Knex, tables: string[]): Promise<Snapshot> {
  const out: Snapshot = new Map();
  if (db.client.config.client === 'mysql2') {
    const [rows] = await db.raw(`CHECKSUM TABLE ${tables.map((t) => `\`${t}\``).join(', ')}`);
    for (const r of checksums.parse(rows)) out.set(r.Table.slice(r.Table.indexOf('.') + 1), String(r.Checksum));
    return out;
  }
  for (const table of tables) {
    const rows = (await db(table).select('*')).map((r: unknown) => JSON.stringify(r)).sort();
    out.set(table, crypto.createHash('sha256').update(rows.join('\n')).digest('base64'));
  }
  return out;
}

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: Snapshot, after: Snapshot): string[] {
  return [...new Set([...before.keys(), ...after.keys()])].filter((t) => before.get(t) !== after.get(t));
}
