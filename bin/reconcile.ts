import type { Knex } from 'knex';
import { assertReachable, connect, DatabaseUrlError, redactUrl } from '../module/db/connection';
import { MIGRATIONS_TABLE } from '../module/db/tables';
import { consoleLogger } from '../module/core/logger';
import { createHost } from '../host/app';

export const RECONCILE_USAGE = `  agent-tools reconcile --since DATE   redo the InvoicePaid and InvoiceRefunded events of invoices
                                       paid or refunded since DATE (2026-01-31 or an ISO time) that
                                       a crash cut short; safe to run again
`;

/** The instant `--since` names: a date is its midnight UTC; null when absent or unreadable. */
export function sinceOf(argv: string[]): number | null {
  const i = argv.indexOf('--since');
  const value = i >= 0 ? argv[i + 1] : undefined;
  if (!value || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(value)) return null;
  const at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(at) ? null : at;
}

/**
 * `agent-tools reconcile --since DATE` against the reference platform at DATABASE_URL: its
 * invoices, read through its HostApi, against the module's record of the events it finished.
 * Another host runs the same through its own HostApi (agentTools.services.reconcile).
 */
export async function reconcileCommand(argv: string[]): Promise<number> {
  const since = sinceOf(argv);
  if (since === null) {
    process.stdout.write(RECONCILE_USAGE);
    return 2;
  }
  const url = process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite';
  // A mistyped URL must not become a new, empty platform (createHost makes the tables it lacks)
  // reported as "ok: 0 invoices": the database must exist and hold both the module and the host.
  const db = connect(url, { mustExist: true });
  try {
    await mustHoldThePlatform(db, url);
    const host = await createHost({ db, logger: consoleLogger });
    try {
      const f = await host.agentTools.services.reconcile.reconcile(since);
      console.log(
        `${f.failed ? 'FAILED' : 'ok'}: ${f.invoices} invoices paid or refunded since ${new Date(since).toISOString()}, ` +
          `${f.paidRedone} payments redone (${f.commissionsCreated} commissions made), ${f.refundsRedone} refunds redone, ${f.failed} failed`,
      );
      return f.failed ? 1 : 0;
    } finally {
      await host.stop();
    }
  } finally {
    await db.destroy();
  }
}

/** Refuses (DatabaseUrlError, exit 1) a database that does not answer or lacks the module's or the host's tables. */
async function mustHoldThePlatform(db: Knex, url: string): Promise<void> {
  await assertReachable(db, url);
  const tables = [await db.schema.hasTable(MIGRATIONS_TABLE), await db.schema.hasTable('host_invoices')];
  if (!tables[0]) throw new DatabaseUrlError(`${redactUrl(url)} holds no Agent Tools tables: nothing to reconcile`);
  if (!tables[1]) throw new DatabaseUrlError(`${redactUrl(url)} holds no host_invoices: not the platform's database, nothing to reconcile`);
}
