import { connect } from '../module/db/connection';
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
  const db = connect(process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite');
  try {
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
