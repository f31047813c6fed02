import type { Knex } from 'knex';
import { createAgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import type { Logger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { MemoryHost } from '../test/support/memory-host';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: (m, d) => console.error(m, d) };

export interface InvoicePaidFigures {
  label: string;
  invoices: number;
  emptyPerSecond: number;
  historyPerSecond: number;
  history: number;
  bareInsertPerSecond: number;
}

/** Module and baseline take turns in this many rounds, so that a machine getting busier or quieter moves both alike. */
const ROUNDS = 10;

/**
 * InvoicePaid throughput, first on an (almost) empty ledger, then with `history` commissions already
 * stored (written in bulk, with their ledger entries, so the tables have the size a busy program
 * reaches), against a baseline: a bare knex transaction per invoice making exactly the writes the
 * module's InvoicePaid makes for it (the invoice's lock row, the client's first paid invoice, the
 * referral's first paid mark, the commission, its ledger transaction and two entries, the agent's
 * pending balance, the agent's paid-order count), with none of the reads that decide them. The
 * second run and the baseline alternate in rounds (module, bare, bare, module, …), and each one's
 * rate is its invoices over its own time.
 */
export async function benchInvoicePaid(label: string, db: Knex, invoices: number, history: number): Promise<InvoicePaidFigures> {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
  const tools = createAgentTools({ db, host, clock, logger: quiet, secret: 'bench' });
  await tools.activate();
  const core = tools.services;
  const program = await core.programs.bySlug('default');
  if (!program) throw new Error('no "default" program after activate(), which creates it');
  host.addClient(1);
  const agent = await core.agents.activateForClient(1, program.id);

  let nextInvoice = 1;
  let nextClient = 2;
  /** Paid invoices of new clients referred to the agent: the module's and the baseline's work alike. */
  const prepare = async (n: number) => {
    const out: { invoiceId: number; clientId: number; referralId: number }[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = nextClient++;
      host.addClient(clientId);
      const referral = await core.assignments.assign(clientId, agent.id, 'bench', 'bench');
      const invoiceId = nextInvoice++;
      host.addPaidInvoice(invoiceId, clientId, [12_345], clock.now());
      out.push({ invoiceId, clientId, referralId: referral.id });
    }
    return out;
  };
  const run = async (work: { invoiceId: number }[]) => {
    const t0 = process.hrtime.bigint();
    for (const { invoiceId } of work) {
      const r = await core.earnings.onInvoicePaid(invoiceId);
      if (r.outcome !== 'created') throw new Error(`invoice ${invoiceId}: ${r.outcome}`);
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  let nextLine = 900_000_000;
  const bare = async (work: { invoiceId: number; clientId: number; referralId: number }[]) => {
    const t0 = process.hrtime.bigint();
    for (const w of work) await bareInvoice(db, agent.id, program.id, w, nextLine++);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };

  // Warm the JIT and the connection pool, unmeasured, so the first figure is not a cold start.
  await run(await prepare(Math.min(100, invoices)));
  await bare(await prepare(Math.min(100, invoices)));
  const emptyPerSecond = invoices / (await run(await prepare(invoices)));
  await fillHistory(db, agent.id, program.id, history);

  const perRound = Math.max(1, Math.round(invoices / ROUNDS));
  let moduleSeconds = 0;
  let bareSeconds = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const forModule = await prepare(perRound);
    const forBare = await prepare(perRound);
    if (round % 2 === 0) {
      moduleSeconds += await run(forModule);
      bareSeconds += await bare(forBare);
    } else {
      bareSeconds += await bare(forBare);
      moduleSeconds += await run(forModule);
    }
  }
  await tools.stop();
  const measured = perRound * ROUNDS;
  return { label, invoices: measured, emptyPerSecond, historyPerSecond: measured / moduleSeconds, history, bareInsertPerSecond: measured / bareSeconds };
}

/** The writes InvoicePaid makes for one paid one-line invoice of a newly referred client, by hand, in one transaction. */
async function bareInvoice(db: Knex, agentId: number, programId: number, w: { invoiceId: number; clientId: number; referralId: number }, line: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx(T.invoiceLocks)
      .insert({ invoice_id: w.invoiceId, taken: 1 })
      .onConflict('invoice_id')
      .merge({ taken: trx.raw('?? + 1', [`${T.invoiceLocks}.taken`]) });
    await trx(T.firstPaidOrders).insert({ client_id: w.clientId, invoice_id: w.invoiceId, created_at: 0 }).onConflict('client_id').ignore();
    await trx(T.referrals).where({ id: w.referralId }).whereNull('first_paid_invoice_id').update({ first_paid_invoice_id: w.invoiceId });
    const [cid] = await trx(T.commissions).insert({ ...commissionRow(agentId, programId, line), client_id: w.clientId, invoice_id: w.invoiceId });
    const [tid] = await trx(T.txns).insert({ idem_key: `bare:${cid}`, kind: 'earn', commission_id: cid, memo: 'bare', created_at: 0 });
    await trx(T.entries).insert([
      { txn_id: tid, agent_id: 0, account: 'commission_expense', currency: 'USD', amount_minor: -1235 },
      { txn_id: tid, agent_id: agentId, account: 'pending', currency: 'USD', amount_minor: 1235 },
    ]);
    // The agent's running balance; the house's commission expense is kept as no row (its entries are its balance).
    await trx(T.balances)
      .insert({ agent_id: agentId, account: 'pending', currency: 'USD', balance_minor: 1235 })
      .onConflict(['agent_id', 'account', 'currency'])
      .merge({ balance_minor: trx.raw('?? + ?', [`${T.balances}.balance_minor`, 1235]) });
    await trx(T.agents).where({ id: agentId }).increment('paid_orders', 1);
  });
}

function commissionRow(agentId: number, programId: number, line: number) {
  return {
    agent_id: agentId,
    program_id: programId,
    client_id: 1,
    invoice_id: line,
    invoice_line_id: line,
    rule: 'auto',
    role: 'sales',
    tier: null,
    terms_version: 1,
    base_minor: 12_345,
    parts: '[{"kind":"sales","rule":"default","bp":1000}]',
    amount_minor: 1235,
    adjusted_minor: 0,
    currency: 'USD',
    status: 'pending',
    created_at: 0,
    available_at: 0,
  };
}

/** History written in bulk: commissions with their earn transactions and balanced entries. */
async function fillHistory(db: Knex, agentId: number, programId: number, n: number): Promise<void> {
  // SQLite caps a compound insert at 500 rows.
  const chunk = 200;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    await db.transaction(async (trx) => {
      const rows = Array.from({ length: size }, (_, i) => commissionRow(agentId, programId, 500_000_000 + start + i));
      await trx.batchInsert(T.commissions, rows, chunk);
      const ids = await trx(T.commissions)
        .whereBetween('invoice_line_id', [500_000_000 + start, 500_000_000 + start + size - 1])
        .orderBy('id')
        .pluck('id');
      await trx.batchInsert(
        T.txns,
        ids.map((id: number) => ({ idem_key: `history:${id}`, kind: 'earn', commission_id: id, memo: 'history', created_at: 0 })),
        chunk,
      );
      const txns = await trx(T.txns).whereIn('commission_id', ids).select('id', 'commission_id');
      await trx.batchInsert(
        T.entries,
        txns.flatMap((t: { id: number }) => [
          { txn_id: t.id, agent_id: 0, account: 'commission_expense', currency: 'USD', amount_minor: -1235 },
          { txn_id: t.id, agent_id: agentId, account: 'pending', currency: 'USD', amount_minor: 1235 },
        ]),
        chunk,
      );
      // The agent's pending balance (the house's commission expense is kept as no row).
      await trx(T.balances)
        .where({ agent_id: agentId, account: 'pending', currency: 'USD' })
        .increment('balance_minor', 1235 * size);
    });
  }
}
