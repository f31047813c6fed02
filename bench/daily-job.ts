import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { createAgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import type { Logger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { asRows, num } from '../module/db/columns';
import { readProgramText } from '../module/programs/program-service';
import { MemoryHost } from '../test/support/memory-host';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: (m, d) => console.error(m, d) };
const DAY = 86_400_000;

export interface DailyJobFigures {
  agents: number;
  commissions: number;
  seconds: number;
  releaseSeconds: number;
  periods: number;
  changes: number;
  released: number;
}

/**
 * The daily job on a year of history: Cloud One loaded on 1 December 2025, `agents` agents with
 * two sales commissions a month through 2026 (one a new customer's first invoice) spread over the
 * month's days, the checklist ticked for Bronze; those paid since 16 November still held (46
 * days), those of 16 November due. Measured: the first cron run of 2027, which releases what is
 * due, evaluates the four quarters of 2026 (catching up, oldest first) and applies the changes.
 */
export async function benchDailyJob(db: Knex, agents: number): Promise<DailyJobFigures> {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2025-12-01T09:00:00Z'));
  const tools = createAgentTools({ db, host, clock, logger: quiet, secret: 'bench' });
  await tools.activate();
  const s = tools.services;
  const text = fs.readFileSync(path.resolve(__dirname, '../examples/programs/cloud-one.yaml'), 'utf8');
  const { program } = await s.programs.load(readProgramText(text));
  const created = clock.now();

  const chunk = 200;
  for (let start = 0; start < agents; start += chunk) {
    const size = Math.min(chunk, agents - start);
    const ids = Array.from({ length: size }, (_, i) => start + i + 1);
    for (const id of ids) host.addClient(id);
    await db.batchInsert(
      T.agents,
      ids.map((id) => ({ id, client_id: id, program_id: program.id, status: 'active', tier: 'affiliate', paid_orders: 24, created_at: created, referral_code: `BENCH${id}` })),
      chunk,
    );
    await db.batchInsert(
      T.agentChecklist,
      ids
        .flatMap((id) => ['sip_trunk', 'agreement'].map((item) => ({ agent_id: id, item, value: '1', actor: 'bench', updated_at: created })))
        .concat(ids.map((id) => ({ agent_id: id, item: 'sales_certifications', value: '1', actor: 'bench', updated_at: created }))),
      chunk,
    );
  }

  // A year of sales: agent i sells (i mod 5) × KES 30,000.00 a month in two invoices, the first a new customer's.
  let line = 1;
  let commissions = 0;
  for (let month = 0; month < 12; month++) {
    for (let start = 0; start < agents; start += chunk / 2) {
      const size = Math.min(chunk / 2, agents - start);
      const rows = [];
      const firsts = [];
      for (let i = 0; i < size; i++) {
        const agentId = start + i + 1;
        const base = (agentId % 5) * 1_500_000;
        // Spread over the month's days, as payments are: about 1/14 of the agents' invoices a day.
        const paidAt = Date.UTC(2026, month, (agentId % 28) + 1, 9);
        for (let k = 0; k < 2; k++) {
          const client = agents + (agentId - 1) * 12 + month + 1;
          const id = line++;
          rows.push({
            agent_id: agentId,
            program_id: program.id,
            client_id: client,
            invoice_id: id,
            invoice_line_id: id,
            rule: 'auto',
            role: 'sales',
            sales_rule: 'managed-one-off',
            tier: 'affiliate',
            terms_version: 1,
            base_minor: base,
            parts: '[]',
            amount_minor: base / 10,
            adjusted_minor: 0,
            currency: 'KES',
            status: 'available',
            created_at: paidAt + k * DAY,
            available_at: paidAt + 46 * DAY,
          });
          if (k === 0) firsts.push({ client_id: client, invoice_id: id, created_at: paidAt });
        }
      }
      await db.batchInsert(T.commissions, rows, chunk);
      await db.batchInsert(T.firstPaidOrders, firsts, chunk);
      commissions += rows.length;
    }
  }
  // Those paid since 16 November are still held: made pending, with their ledger entries.
  const pending = asRows(
    await db(T.commissions)
      .where('created_at', '>=', Date.UTC(2026, 10, 16))
      .select('id', 'agent_id', 'amount_minor'),
  ).map((r) => ({
    id: num(r.id),
    agent_id: num(r.agent_id),
    amount_minor: num(r.amount_minor),
  }));
  await db(T.commissions)
    .where('created_at', '>=', Date.UTC(2026, 10, 16))
    .update({ status: 'pending', available_at: db.raw('created_at + ?', [46 * DAY]) });
  for (let start = 0; start < pending.length; start += chunk) {
    const part = pending.slice(start, start + chunk);
    await db.batchInsert(
      T.txns,
      part.map((c) => ({ idem_key: `bench:${c.id}`, kind: 'earn', commission_id: c.id, memo: 'bench', created_at: 0 })),
      chunk,
    );
    const txns = asRows(
      await db(T.txns)
        .whereIn(
          'commission_id',
          part.map((c) => c.id),
        )
        .select('id', 'commission_id'),
    ).map((r) => ({ id: num(r.id), commission_id: num(r.commission_id) }));
    const amount = new Map(part.map((c) => [Number(c.id), Number(c.amount_minor)]));
    const agentOf = new Map(part.map((c) => [Number(c.id), Number(c.agent_id)]));
    await db.batchInsert(
      T.entries,
      txns.flatMap((t) => [
        { txn_id: t.id, agent_id: 0, account: 'commission_expense', currency: 'KES', amount_minor: -(amount.get(Number(t.commission_id)) ?? 0) },
        { txn_id: t.id, agent_id: agentOf.get(Number(t.commission_id)) ?? 0, account: 'pending', currency: 'KES', amount_minor: amount.get(Number(t.commission_id)) ?? 0 },
      ]),
      chunk,
    );
  }
  const perAgent = asRows(await db(T.commissions).where({ status: 'pending' }).groupBy('agent_id').select('agent_id').sum({ s: 'amount_minor' }));
  await db.batchInsert(
    T.balances,
    perAgent.map((r) => ({ agent_id: r.agent_id, account: 'pending', currency: 'KES', balance_minor: num(r.s) })),
    chunk,
  );

  clock.set('2027-01-01T09:00:00Z');
  const t0 = process.hrtime.bigint();
  const released = await s.releases.releaseDue();
  const t1 = process.hrtime.bigint();
  const run = await s.tiers.runDaily();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const releaseSeconds = Number(t1 - t0) / 1e9;
  await tools.stop();
  return { agents, commissions, seconds, releaseSeconds, periods: run.periods.length, changes: run.changes, released };
}

/**
 * npm run bench's daily-job part: 1,000 then 10,000 agents, each on a fresh MariaDB database
 * (`open`), the time of each and how it grows. Fails when 10,000 take 60 s or more, or when ten
 * times the agents take more than 15 times as long (linear, with room for a busy machine).
 */
export async function runDailyJobBench(open: () => Promise<{ label: string; db: Knex; drop(): Promise<void> } | null>, required: boolean, sizes = [1_000, 10_000]): Promise<boolean> {
  const figures: DailyJobFigures[] = [];
  for (const n of sizes) {
    const database = await open();
    // MariaDB not reachable: skipped, unless it is required.
    if (!database) return !required;
    try {
      console.log(`\n== daily job, ${n} agents, ${database.label}`);
      const f = await benchDailyJob(database.db, n);
      figures.push(f);
      console.log(
        `  ${f.commissions} commissions in 2026; first run of 2027: ${f.periods} quarters evaluated, ${f.changes} tier changes, ${f.released} released, in ${f.seconds.toFixed(2)} s (releases ${f.releaseSeconds.toFixed(2)} s, evaluation ${(f.seconds - f.releaseSeconds).toFixed(2)} s)`,
      );
    } finally {
      await database.db.destroy();
      await database.drop();
    }
  }
  const [small, large] = figures;
  if (!small || !large) return true;
  const growth = large.seconds / small.seconds;
  const scale = large.agents / small.agents;
  console.log(`  growth ${small.agents} → ${large.agents} agents (×${scale}): time ×${growth.toFixed(2)}`);
  const ok = large.seconds < 60 && growth <= scale * 1.5;
  if (!ok) console.log('  FAIL: the daily job must take under 60 s for 10,000 agents and grow no faster than linearly');
  return ok;
}
