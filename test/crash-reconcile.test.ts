import { expect } from 'chai';
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import path from 'node:path';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { agentAccount, startHost } from './support/host-fixture';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';
import { reconcileCommand } from '../bin/reconcile';

const BURST = path.join(__dirname, 'support', 'pay-burst.ts');
/** Cloud Server M at 123.45 USD; the default program pays 10 %: 1,234.5, rounded half away from zero. */
const COMMISSION = 1_235;
const INVOICES = 64;
const KILL_AFTER = 20;

const WORKERS = 8;

/**
 * Starts the platform in a child process paying every unpaid invoice, WORKERS at a time, whose
 * hooks run for the first `after` payments only: each worker's next payment commits and hangs
 * before its InvoicePaid. Killed (-9) once all WORKERS hang, so exactly WORKERS payments have no
 * hook, whatever the timing. Returns the payments whose hooks ran.
 */
async function burstAndKill(url: string, after: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', BURST], {
    env: { ...process.env, DATABASE_URL: url, SEED: '0', BURST_HOOKS: String(after), BURST_CONCURRENCY: String(WORKERS) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  let paid = 0;
  let hanging = 0;
  for await (const line of readline.createInterface({ input: child.stdout })) {
    if (line.startsWith('paid ')) paid++;
    if (line.startsWith('committed ') && ++hanging === WORKERS) {
      child.kill('SIGKILL');
      break;
    }
  }
  expect(await exited, 'the burst was killed, not finished').to.equal('SIGKILL');
  return paid;
}

/** Commission rows by invoice, and the paid invoices of the referred clients. */
async function ledgerFigures(db: Knex, referred: Set<number>) {
  const paid = (await db('host_invoices').where({ status: 'Paid' }).select('id', 'client_id')).map((r: { id: unknown; client_id: unknown }) => ({ id: Number(r.id), client: Number(r.client_id) }));
  const rows = (await db(T.commissions).select('invoice_id', 'amount_minor')).map((r: { invoice_id: unknown; amount_minor: unknown }) => ({
    invoice: Number(r.invoice_id),
    amount: Number(r.amount_minor),
  }));
  const perInvoice = new Map<number, number>();
  for (const r of rows) perInvoice.set(r.invoice, (perInvoice.get(r.invoice) ?? 0) + 1);
  const owed = paid.filter((i) => referred.has(i.client));
  return {
    paid: paid.length,
    owed: owed.length,
    commissions: rows.length,
    total: rows.reduce((s, r) => s + r.amount, 0),
    doubled: [...perInvoice.values()].filter((n) => n > 1).length,
    lost: owed.filter((i) => !perInvoice.has(i.id)).length,
    unearned: rows.filter((r) => !owed.some((i) => i.id === r.invoice)).length,
  };
}

async function runReconcile(url: string, since: string): Promise<number> {
  const before = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  try {
    return await reconcileCommand(['--since', since]);
  } finally {
    if (before === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = before;
  }
}

onEachDatabase('a paid invoice earns exactly once, even if the process dies', ({ current }) => {
  it(`kill -9 in a burst of ${INVOICES} payments: after the restart, reconcile makes up every lost commission and doubles none`, async function () {
    this.timeout(180_000);
    const { db, url } = current();
    // Alice refers three clients of every four; the fourth came by himself and earns her nothing.
    const f = await startHost(db);
    const { agentId } = await agentAccount(f.host, 'alice@agents.example');
    const referred = new Set<number>();
    for (let i = 0; i < INVOICES; i++) {
      const clientId = await f.host.billing.createClient({ firstname: 'Client', lastname: `${i}`, email: `client${i}@example.com`, password: 'a long password 1', currency: 'USD' });
      if (i % 4 !== 3) {
        await f.host.agentTools.services.assignments.assign(clientId, agentId, 'admin', 'test');
        referred.add(clientId);
      }
      await f.host.billing.placeOrder(clientId, f.productId);
    }
    await f.host.stop();

    const printed = await burstAndKill(url, KILL_AFTER);
    const before = await ledgerFigures(db, referred);
    // The host committed WORKERS payments whose InvoicePaid never ran: their commissions are lost.
    // The workers take invoices in order, so those are among the first KILL_AFTER + WORKERS (28),
    // of which 7 are the unreferred fourth clients': at least one of the 8 is a referred client's.
    expect([printed, before.paid]).to.deep.equal([KILL_AFTER, KILL_AFTER + WORKERS]);
    expect(before.lost, 'commissions lost to the kill').to.be.within(1, WORKERS);
    expect(before.commissions + before.lost).to.equal(before.owed);
    expect(before.doubled).to.equal(0);

    expect(await runReconcile(url, '2026-01-01')).to.equal(0);
    const after = await ledgerFigures(db, referred);
    console.log(
      `      invoices paid ${after.paid} (${after.owed} of referred clients); commissions before reconcile ${before.commissions}, ` +
        `after ${after.commissions}; doubled ${after.doubled}; lost after reconcile ${after.lost}`,
    );
    expect(after.lost).to.equal(0);
    expect(after.doubled).to.equal(0);
    expect(after.unearned).to.equal(0);
    expect(after.commissions).to.equal(after.owed);
    expect(after.total).to.equal(after.owed * COMMISSION);
    expect((await verifyLedger(db)).ok).to.equal(true);

    // A second run finds nothing left to do.
    expect(await runReconcile(url, '2026-01-01')).to.equal(0);
    expect((await ledgerFigures(db, referred)).commissions).to.equal(after.commissions);
  });
});
