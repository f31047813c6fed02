import type { Knex } from 'knex';
import { stringify } from 'csv-stringify/sync';
import { createAgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import type { Logger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { Ledger } from '../module/ledger/ledger';
import { translator } from '../module/i18n/lang';
import type { PayoutDetails, PayoutMethodReader } from '../module/payouts/payout-method';
import { PayoutBatchService, creditToAccount, flatWithholding } from '../module/payouts/batches';
import { MemoryHost } from '../test/support/memory-host';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: (m, d) => console.error(m, d) };

/** USD, on request, 10 % withholding: a bank batch of every agent's USD 100.00 request. */
const PROGRAM = {
  slug: 'bench-payouts',
  name: 'Payout bench',
  terms_version: 1,
  currency: 'USD',
  timezone: 'UTC',
  cookie_days: 90,
  attribution: 'last_click',
  hold_days: 30,
  withholding_tax_bp: 1000,
  rules: [{ id: 'affiliate-commission', rate_bp: 1000, recurrence: 'lifetime' }],
  payout: { thresholds: { USD: '50.00' }, schedule: 'on_request', methods: ['bank'] },
};

export interface PayoutFigures {
  payouts: number;
  createSeconds: number;
  exportSeconds: number;
  bareSeconds: number;
  fileBytes: number;
}

/**
 * `payouts` requested withdrawals (rows written directly, as many agents' requests would leave
 * them), then timed: PayoutBatchService.create (withholding, each withdrawal taken by its
 * conditional UPDATE, the lines written) and exportFile (the bank CSV). The baseline, in the same
 * run on the same rows: one bare knex transaction making the same writes (the same UPDATE of the
 * withdrawals and insert of the lines, chunk by chunk) and csv-stringify of the same rows, rolled back.
 * The agents' bank details come from an in-memory reader (the real one decrypts each with AES-GCM).
 */
export async function benchPayouts(db: Knex, payouts: number): Promise<PayoutFigures> {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-06-01T09:00:00Z'));
  const tools = createAgentTools({ db, host, clock, logger: quiet, secret: 'bench' });
  await tools.activate();
  const { program } = await tools.services.programs.load(PROGRAM);
  const details = new Map<number, PayoutDetails>();
  const chunk = 500;
  for (let start = 0; start < payouts; start += chunk) {
    const ids = Array.from({ length: Math.min(chunk, payouts - start) }, (_, i) => start + i + 1);
    for (const id of ids) {
      host.addClient(id);
      details.set(id, { kind: 'bank', holder: `Agent ${id}`, iban: null, accountNumber: String(10_000_000 + id), bankCode: '040004' });
    }
    await db.batchInsert(
      T.agents,
      ids.map((id) => ({ id, client_id: id, program_id: program.id, status: 'active', tier: null, paid_orders: 1, created_at: clock.now(), referral_code: `PAY${id}` })),
      chunk,
    );
    await db.batchInsert(
      T.withdrawals,
      ids.map((id) => ({ id, agent_id: id, currency: 'USD', amount_minor: 10_000, tax_bp: 1000, tax_minor: 1_000, status: 'requested', requested_at: clock.now() })),
      chunk,
    );
  }
  const methods: PayoutMethodReader = { forAgent: (id) => Promise.resolve(details.get(id) ?? null) };
  const batches = new PayoutBatchService(
    db,
    new Ledger(db, clock),
    tools.services.programs,
    methods,
    flatWithholding,
    host,
    creditToAccount(tools.services.creditPayouts),
    clock,
    translator('english'),
  );
  const ids = Array.from({ length: payouts }, (_, i) => i + 1);

  // The baseline first, rolled back, so that the module then finds the same rows requested.
  const b0 = process.hrtime.bigint();
  const trx = await db.transaction();
  const rows: string[][] = [['Reference', 'Beneficiary name', 'IBAN', 'Account number', 'Bank code', 'Amount', 'Currency', 'Payment details']];
  for (let start = 0; start < payouts; start += chunk) {
    const part = ids.slice(start, start + chunk);
    await trx(T.withdrawals).whereIn('id', part).where('status', 'requested').update({ status: 'in_batch', batch_id: 1 });
    await trx(T.payoutLines).insert(
      part.map((id) => ({
        batch_id: 1,
        withdrawal_id: id,
        live_withdrawal_id: id,
        agent_id: id,
        status: 'included',
        gross_minor: 10_000,
        tax_bp: 1000,
        tax_minor: 1_000,
        net_minor: 9_000,
        pay_currency: 'USD',
        rate: null,
        pay_minor: 9_000,
        tax_profile_id: null,
        tax_basis: '{}',
      })),
    );
    for (const id of part) rows.push([`AT-1-${id}`, `Agent ${id}`, '', String(10_000_000 + id), '040004', '90.00', 'USD', `Payout AT-1-${id}: gross USD 100.00, tax USD 10.00, net USD 90.00`]);
  }
  stringify(rows, { record_delimiter: 'windows' });
  await trx.rollback();
  const bareSeconds = Number(process.hrtime.bigint() - b0) / 1e9;

  const t0 = process.hrtime.bigint();
  const made = await batches.create({ programId: program.id, currency: 'USD', method: 'bank', cutOff: clock.now() }, 1);
  const t1 = process.hrtime.bigint();
  if (made.taken !== payouts) throw new Error(`the batch took ${made.taken} of ${payouts} payouts`);
  await batches.approve(made.batch.id, 1);
  const t2 = process.hrtime.bigint();
  const file = await batches.exportFile(made.batch.id);
  const t3 = process.hrtime.bigint();
  await tools.stop();
  return { payouts, createSeconds: Number(t1 - t0) / 1e9, exportSeconds: Number(t3 - t2) / 1e9, bareSeconds, fileBytes: Buffer.byteLength(file.body) };
}

/** npm run bench's payouts part: 10,000 payouts on SQLite and on MariaDB (each a fresh database). */
export async function runPayoutsBench(open: (() => Promise<{ label: string; db: Knex; drop(): Promise<void> } | null>)[], required: boolean, payouts = 10_000): Promise<boolean> {
  let ok = true;
  for (const o of open) {
    const database = await o();
    if (!database) {
      ok = ok && !required;
      continue;
    }
    try {
      console.log(`\n== payout batch of ${payouts} payouts, ${database.label}`);
      const f = await benchPayouts(database.db, payouts);
      const module = f.createSeconds + f.exportSeconds;
      console.log(
        `  create ${f.createSeconds.toFixed(2)} s, export ${f.exportSeconds.toFixed(2)} s (${(f.fileBytes / 1024).toFixed(0)} KiB): ${module.toFixed(2)} s, ${(payouts / module).toFixed(0)} payouts/s`,
      );
      console.log(`  bare knex, the same writes and the same CSV: ${f.bareSeconds.toFixed(2)} s  (the module takes ×${(module / f.bareSeconds).toFixed(1)} of it)`);
    } catch (e) {
      console.error('  FAIL: the run crashed:', e);
      ok = false;
    } finally {
      await database.db.destroy();
      await database.drop();
    }
  }
  return ok;
}
