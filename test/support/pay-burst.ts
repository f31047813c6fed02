import { connect } from '../../module/db/connection';
import type { Logger } from '../../module/core/logger';
import { createHost } from '../../host/app';

/**
 * Run as a child process by test/crash-reconcile.test.ts: the reference platform on DATABASE_URL
 * pays every Unpaid invoice, BURST_CONCURRENCY at a time, as fast as it can, and prints
 * `paid <id>` once each payment's hooks have run, so that the test can kill it mid-burst.
 * With BURST_HOOKS=N the hooks stop after N payments (see below).
 */
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: (m, d) => console.error(m, d) };

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const db = connect(url);
  const host = await createHost({ db, logger: quiet, module: { clickFlushMs: 60_000 } });
  // After BURST_HOOKS payments, each worker's next payment commits and its InvoicePaid never runs
  // (`committed <id>`): the process is then killed with those hooks certainly unfinished.
  const hooksAllowed = Number(process.env.BURST_HOOKS ?? Infinity);
  let hooksRun = 0;
  const run = host.hooks.run.bind(host.hooks);
  host.hooks.run = (name, vars, ctx) => {
    if (name !== 'InvoicePaid' || ++hooksRun <= hooksAllowed) return run(name, vars, ctx);
    console.log(`committed ${JSON.stringify(vars)}`);
    return new Promise<never>(() => undefined);
  };
  const ids = (await db('host_invoices').where({ status: 'Unpaid' }).orderBy('id').pluck('id')).map(Number);
  console.log(`ready ${ids.length}`);
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      await host.billing.payInvoice(id);
      console.log(`paid ${id}`);
    }
  };
  await Promise.all(Array.from({ length: Number(process.env.BURST_CONCURRENCY ?? 8) }, worker));
  console.log('done');
  await host.stop();
  await db.destroy();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
