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

/**
 * InvoicePaid throughput, first on an (almost) empty ledger, then with `history` commissions already
 * stored (written in bulk, with their ledger entries, so the tables have the size a busy program
 * reaches), and, as the baseline, a bare knex transaction inserting the same rows a commission
 * writes (the commission, its transaction, two entries, two balance upserts).
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
  const prepare = async (n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = nextClient++;
      host.addClient(clientId);
      await core.assignments.assign(clientId, agent.id, 'bench', 'bench');
      const id = nextInvoice++;
      host.addPaidInvoice(id, clientId, [12_345], clock.now());
      ids.push(id);
    }
    return ids;
  };
  const run = async (ids: number[]) => {
    const t0 = process.hrtime.bigint();
    for (const id of ids) {
      const r = await core.earnings.onInvoicePaid(id);
      if (r.outcome !== 'created') throw new Error(`invoice ${id}: ${r.outcome}`);
    }
    return ids.length / (Number(process.hrtime.bigint() - t0) / 1e9);
  };

  // Warm the JIT and the connection pool, unmeasured, so the first figure is not a cold start.
  await run(await prepare(Math.min(100, invoices)));
  const emptyPerSecond = await run(await prepare(invoices));
  await fillHistory(db, agent.id, program.id, history);
  const historyPerSecond = await run(await prepare(invoices));

  // Baseline: the same rows, inserted by hand, one transaction per invoice.
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < invoices; i++) {
    await db.transaction(async (trx) => {
      const line = 900_000_000 + i;
      const [cid] = await trx(T.commissions).insert(commissionRow(agent.id, program.id, line));
      const [tid] = await trx(T.txns).insert({ idem_key: `bare:${cid}`, kind: 'earn', commission_id: cid, memo: 'bare', created_at: 0 });
      await trx(T.entries).insert([
        { txn_id: tid, agent_id: 0, account: 'commission_expense', currency: 'USD', amount_minor: -1235 },
        { txn_id: tid, agent_id: agent.id, account: 'pending', currency: 'USD', amount_minor: 1235 },
      ]);
      for (const [a, acc, amt] of [
        [0, 'commission_expense', -1235],
        [agent.id, 'pending', 1235],
      ] as const) {
        await trx(T.balances)
          .insert({ agent_id: a, account: acc, currency: 'USD', balance_minor: amt })
          .onConflict(['agent_id', 'account', 'currency'])
          .merge({ balance_minor: trx.raw('?? + ?', [`${T.balances}.balance_minor`, amt]) });
      }
    });
  }
  const bareInsertPerSecond = invoices / (Number(process.hrtime.bigint() - t0) / 1e9);
  await tools.stop();
  return { label, invoices, emptyPerSecond, historyPerSecond, history, bareInsertPerSecond };
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
      for (const [a, acc, amt] of [
        [0, 'commission_expense', -1235 * size],
        [agentId, 'pending', 1235 * size],
      ] as const) {
        await trx(T.balances).where({ agent_id: a, account: acc, currency: 'USD' }).increment('balance_minor', amt);
      }
    });
  }
}
