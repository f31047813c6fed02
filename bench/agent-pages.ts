import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Knex } from 'knex';
import { T } from '../module/db/tables';
import { CLIENT_AREA, clientAction } from '../module/http/paths';
import { sendCsv, type CsvCell } from '../module/http/csv';
import { agentAccount, session, startHost } from '../test/support/host-fixture';

/**
 * npm run bench's agent-pages part (issue 13): the agent's Overview and Commissions page with an
 * empty history and then with a program's year of history stored (1,000,000 clicks and 100,000
 * commissions among 100 agents, the measured one holding a tenth), p95 of sequential requests
 * through the reference host in-process; then a CSV export of 1,000,000 rows through sendCsv
 * on a real HTTP response, rows per second and peak RSS above the idle process.
 */

const DAY = 86_400_000;
/** The host's clock: the history runs up to this moment. */
const NOW = '2026-01-05T10:00:00Z';
const SOURCES = ['Default', 'newsletter', 'youtube', 'blog', 'twitter', 'forum'];
const AGENTS = 100;
const CHUNK = 500;
/** Commissions per referred client (monthly renewals): 100,000 commissions from 20,000 clients. */
const PER_CLIENT = 5;
const HOLD_DAYS = 30;

export const PAGE_RATIO_TARGET = 1.5;
export const CSV_ROWS_TARGET = 100_000;
export const CSV_RSS_TARGET_MB = 150;

export interface PageFigures {
  name: string;
  emptyP95: number;
  fullP95: number;
  emptyMedian: number;
  fullMedian: number;
}

export interface AgentPagesFigures {
  clicks: number;
  commissions: number;
  agentClicks: number;
  agentCommissions: number;
  fillSeconds: number;
  foldSeconds: number;
  rollupRows: number;
  requests: number;
  pages: PageFigures[];
}

/** Inserts `rows` in multi-row statements of CHUNK rows, in transactions of 20 statements. */
async function bulk(db: Knex, table: string, rows: Iterable<Record<string, unknown>>, chunk = CHUNK): Promise<number> {
  let n = 0;
  let batch: Record<string, unknown>[] = [];
  let statements: Record<string, unknown>[][] = [];
  const flush = async () => {
    if (!statements.length) return;
    const parts = statements;
    statements = [];
    await db.transaction(async (trx) => {
      for (const p of parts) await trx(table).insert(p);
    });
  };
  for (const r of rows) {
    batch.push(r);
    n++;
    if (batch.length === chunk) {
      statements.push(batch);
      batch = [];
      if (statements.length === 20) await flush();
    }
  }
  if (batch.length) statements.push(batch);
  await flush();
  return n;
}

/** A small deterministic generator, so that every run stores the same history. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function p(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
}

/** p95 and median (ms) of a list of timings. */
function summary(ms: number[]): { p95: number; median: number } {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p95: p(sorted, 0.95), median: p(sorted, 0.5) };
}

/** One GET's time in ms; every answer must be 200. */
async function timeGet(get: (path: string) => Promise<{ status: number }>, path: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  const res = await get(path);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  return ms;
}

/**
 * The history: `agents` agents (the measured one first, with a tenth of everything), their
 * clicks over the year before NOW, 20,000 referred clients and PER_CLIENT commissions each, each
 * with its ledger (earn, and release once past the hold) and the agents' balance rows.
 */
export async function fill(db: Knex, programId: number, measured: number, clicks: number, commissions: number): Promise<void> {
  const now = Date.parse(NOW);
  const rnd = random(13);
  const others = await db(T.agents).max({ m: 'id' }).first();
  const firstOther = Number(others?.m ?? 0) + 1;
  await bulk(
    db,
    T.agents,
    Array.from({ length: AGENTS - 1 }, (_, i) => ({
      id: firstOther + i,
      client_id: 900_000 + i,
      program_id: programId,
      status: 'active',
      tier: null,
      paid_orders: 0,
      created_at: now - 400 * DAY,
      referral_code: `BENCH${i}`,
    })),
  );
  const agentIds = [measured, ...Array.from({ length: AGENTS - 1 }, (_, i) => firstOther + i)];
  // The measured agent holds a tenth; the others share the rest evenly.
  const agentOf = (i: number, total: number) => (i < total / 10 ? measured : (agentIds[1 + (i % (AGENTS - 1))] as number));

  await bulk(
    db,
    T.clicks,
    (function* () {
      for (let i = 0; i < clicks; i++) {
        const at = now - Math.floor(rnd() * 365 * DAY);
        yield {
          agent_id: agentOf(i, clicks),
          uid: `u${i.toString(36)}x${Math.floor(rnd() * 1e9).toString(36)}`,
          created_at: at,
          ip: `10.${i % 250}.${(i >> 8) % 250}.${(i >> 16) % 250}`,
          user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
          referer: i % 3 ? 'https://www.example.com/some/article' : '',
          source: SOURCES[Math.floor(rnd() * SOURCES.length)],
        };
      }
    })(),
  );

  const clients = commissions / PER_CLIENT;
  const clientAgent = (j: number) => agentOf(j, clients);
  const clientSince = (j: number) => now - 330 * DAY + Math.floor((j / clients) * 30 * DAY);
  await bulk(
    db,
    T.referrals,
    (function* () {
      for (let j = 0; j < clients; j++) {
        yield {
          agent_id: clientAgent(j),
          client_id: 2_000_000 + j,
          program_id: programId,
          terms_version: 1,
          click_uid: null,
          clicked_at: null,
          rule: 'last_click',
          source: SOURCES[j % SOURCES.length],
          created_at: clientSince(j),
        };
      }
    })(),
  );

  // Commission k: the (k % clients)th client's (k / clients)th month; ids are given so that the
  // ledger rows can name them.
  const first = Number((await db(T.commissions).max({ m: 'id' }).first())?.m ?? 0) + 1;
  const commissionAt = (k: number) => clientSince(k % clients) + Math.floor(k / clients) * 60 * DAY + Math.floor((k % 97) * 3_600_000);
  const amountOf = (k: number) => 500 + (k % 50) * 37;
  const released = (k: number) => commissionAt(k) + HOLD_DAYS * DAY <= now;
  await bulk(
    db,
    T.commissions,
    (function* () {
      for (let k = 0; k < commissions; k++) {
        const amount = amountOf(k);
        yield {
          id: first + k,
          agent_id: clientAgent(k % clients),
          program_id: programId,
          client_id: 2_000_000 + (k % clients),
          invoice_id: 5_000_000 + k,
          invoice_line_id: 5_000_000 + k,
          rule: 'default',
          role: 'sales',
          terms_version: 1,
          base_minor: amount * 10,
          parts: JSON.stringify([{ kind: 'sales', rule: 'default', bp: 1000 }]),
          amount_minor: amount,
          adjusted_minor: 0,
          currency: 'USD',
          status: released(k) ? 'available' : 'pending',
          created_at: commissionAt(k),
          available_at: commissionAt(k) + HOLD_DAYS * DAY,
        };
      }
    })(),
  );

  // The ledger: txn ids given too, in time order as the module would have written them.
  const events: { k: number; kind: 'earn' | 'release'; at: number }[] = [];
  for (let k = 0; k < commissions; k++) {
    events.push({ k, kind: 'earn', at: commissionAt(k) });
    if (released(k)) events.push({ k, kind: 'release', at: commissionAt(k) + HOLD_DAYS * DAY });
  }
  events.sort((a, b) => a.at - b.at);
  const firstTxn = Number((await db(T.txns).max({ m: 'id' }).first())?.m ?? 0) + 1;
  await bulk(
    db,
    T.txns,
    events.map((e, i) => ({
      id: firstTxn + i,
      idem_key: `${e.kind}:${first + e.k}`,
      kind: e.kind,
      commission_id: first + e.k,
      withdrawal_id: null,
      memo: `${e.kind} ${first + e.k}`,
      created_at: e.at,
    })),
  );
  const balances = new Map<string, { agent_id: number; account: string; currency: string; balance_minor: number }>();
  const add = (agentId: number, account: string, amount: number) => {
    const key = `${agentId}/${account}`;
    const b = balances.get(key) ?? { agent_id: agentId, account, currency: 'USD', balance_minor: 0 };
    b.balance_minor += amount;
    balances.set(key, b);
  };
  await bulk(
    db,
    T.entries,
    (function* () {
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        if (!e) continue;
        const agentId = clientAgent(e.k % clients);
        const amount = amountOf(e.k);
        const txn_id = firstTxn + i;
        if (e.kind === 'earn') {
          add(agentId, 'pending', amount);
          yield { txn_id, agent_id: 0, account: 'commission_expense', currency: 'USD', amount_minor: -amount };
          yield { txn_id, agent_id: agentId, account: 'pending', currency: 'USD', amount_minor: amount };
        } else {
          add(agentId, 'pending', -amount);
          add(agentId, 'available', amount);
          yield { txn_id, agent_id: agentId, account: 'pending', currency: 'USD', amount_minor: -amount };
          yield { txn_id, agent_id: agentId, account: 'available', currency: 'USD', amount_minor: amount };
        }
      }
    })(),
  );
  await bulk(db, T.balances, balances.values());
}

/** The reference host on a fresh database, its measured agent signed in. */
async function signedInHost(db: Knex) {
  const f = await startHost(db, NOW);
  const { agentId } = await agentAccount(f.host, 'measured-agent@bench.test');
  const s = await session(f.host, { email: 'measured-agent@bench.test' });
  return { f, agentId, get: (path: string) => s.agent.get(path) };
}

/**
 * The pages part: two reference hosts in this process, one on `db` filled with the history and
 * one on `emptyDb` left empty, the same agent signed in on each; after a warm-up, requests go
 * one at a time, taking turns (empty, full, then full, empty…) so that a machine getting busier
 * or quieter during the run moves both alike.
 */
export async function benchAgentPages(db: Knex, emptyDb: Knex, opts: { clicks: number; commissions: number; requests: number; warm: number }): Promise<AgentPagesFigures> {
  const full = await signedInHost(db);
  const empty = await signedInHost(emptyDb);
  try {
    const program = await full.f.host.agentTools.services.programs.bySlug('default');
    if (!program) throw new Error('no default program');
    const t0 = Date.now();
    await fill(db, program.id, full.agentId, opts.clicks, opts.commissions);
    const fillSeconds = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    // As the running module would have them: the clicks counted and the referrals and ledger folded.
    await full.f.host.agentTools.services.rollups.rebuild();
    const foldSeconds = (Date.now() - t1) / 1000;
    const rollupRows = Number((await db(T.dailyRollups).count({ n: '*' }).first())?.n ?? 0);
    const agentClicks = Number((await db(T.clicks).where({ agent_id: full.agentId }).count({ n: '*' }).first())?.n ?? 0);
    const agentCommissions = Number((await db(T.commissions).where({ agent_id: full.agentId }).count({ n: '*' }).first())?.n ?? 0);

    const paths = [
      { name: 'Overview (index)', path: CLIENT_AREA },
      { name: 'Commissions', path: clientAction('commissions') },
    ];
    const pages: PageFigures[] = [];
    for (const pg of paths) {
      for (let i = 0; i < opts.warm; i++) {
        await timeGet(empty.get, pg.path);
        await timeGet(full.get, pg.path);
      }
      const e: number[] = [];
      const h: number[] = [];
      for (let i = 0; i < opts.requests; i++) {
        if (i % 2) {
          h.push(await timeGet(full.get, pg.path));
          e.push(await timeGet(empty.get, pg.path));
        } else {
          e.push(await timeGet(empty.get, pg.path));
          h.push(await timeGet(full.get, pg.path));
        }
      }
      const es = summary(e);
      const hs = summary(h);
      pages.push({ name: pg.name, emptyP95: es.p95, emptyMedian: es.median, fullP95: hs.p95, fullMedian: hs.median });
    }
    return { clicks: opts.clicks, commissions: opts.commissions, agentClicks, agentCommissions, fillSeconds, foldSeconds, rollupRows, requests: opts.requests, pages };
  } finally {
    await full.f.host.stop();
    await empty.f.host.stop();
  }
}

export interface CsvFigures {
  rows: number;
  bytes: number;
  seconds: number;
  idleRssMb: number;
  peakAboveIdleMb: number;
}

/**
 * 1,000,000 report-shaped rows through sendCsv on a real HTTP response (an express route on a
 * loopback port), read by a client that counts the bytes and drops them. RSS is sampled every
 * 10 ms from before the request to the last byte.
 */
export async function benchCsv(rows: number): Promise<CsvFigures> {
  const app = express();
  app.get('/export.csv', (req, res, next) => {
    function* lines(): Generator<CsvCell[]> {
      const day0 = Date.parse('2020-01-01T00:00:00Z');
      for (let i = 0; i < rows; i++) {
        const earned = (i * 7919) % 100_000;
        const reversed = i % 13 === 0 ? earned >> 3 : 0;
        yield [
          new Date(day0 + (i % 3650) * DAY).toISOString().slice(0, 10) + ` ${SOURCES[i % SOURCES.length]}`,
          'USD',
          (i * 31) % 5000,
          i % 40,
          i % 17,
          i % 9,
          (earned / 100).toFixed(2),
          (reversed / 100).toFixed(2),
          ((earned - reversed) / 100).toFixed(2),
        ];
      }
    }
    sendCsv(res, 'report.csv', ['Day', 'Currency', 'Clicks', 'Sign-ups', 'Qualified', 'Paying', 'Earned', 'Reversed', 'Net'], lines()).catch(next);
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 200));
    const idle = process.memoryUsage().rss;
    let peak = idle;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    const t0 = process.hrtime.bigint();
    const bytes = await new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/export.csv' }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`the export answered ${res.statusCode}`));
          let n = 0;
          res.on('data', (b: Buffer) => (n += b.length));
          res.on('end', () => resolve(n));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    return { rows, bytes, seconds, idleRssMb: idle / 2 ** 20, peakAboveIdleMb: (peak - idle) / 2 ** 20 };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** npm run bench's agent-pages part: the pages on each database given, then the CSV export (no database). */
export async function runAgentPagesBench(
  open: ((suffix: string) => Promise<{ label: string; db: Knex; drop(): Promise<void> } | null>)[],
  required: boolean,
  loadAverage: () => string,
  options = {
    clicks: Number(process.env.BENCH_CLICKS ?? 1_000_000),
    commissions: Number(process.env.BENCH_COMMISSIONS ?? 100_000),
    requests: Number(process.env.BENCH_REQUESTS ?? 200),
    warm: 50,
    csvRows: Number(process.env.BENCH_CSV_ROWS ?? 1_000_000),
  },
): Promise<boolean> {
  let ok = true;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  for (const o of open) {
    const database = await o('');
    if (!database) {
      ok = ok && !required;
      continue;
    }
    const twin = await o('_empty');
    if (!twin) throw new Error(`the empty twin of ${database.label} could not be made`);
    try {
      console.log(`\n== agent pages, ${database.label} (and its empty twin), load average ${loadAverage()}`);
      const f = await benchAgentPages(database.db, twin.db, options);
      console.log(
        `  history: ${f.clicks.toLocaleString('en-US')} clicks and ${f.commissions.toLocaleString('en-US')} commissions among ${AGENTS} agents, the measured agent's ${f.agentClicks.toLocaleString('en-US')} and ${f.agentCommissions.toLocaleString('en-US')}`,
      );
      console.log(`  stored in ${f.fillSeconds.toFixed(1)} s, roll-ups rebuilt in ${f.foldSeconds.toFixed(1)} s (${f.rollupRows.toLocaleString('en-US')} rows); load average now ${loadAverage()}`);
      for (const pg of f.pages) {
        const ratio = pg.fullP95 / pg.emptyP95;
        console.log(
          `  ${pg.name.padEnd(18)} p95 empty ${ms(pg.emptyP95)}, with history ${ms(pg.fullP95)}: ×${ratio.toFixed(2)}  (median ${ms(pg.emptyMedian)} → ${ms(pg.fullMedian)}; ${f.requests} requests each, one at a time, empty and full taking turns, after a warm-up)  target ≤ ×${PAGE_RATIO_TARGET}: ${ratio <= PAGE_RATIO_TARGET ? 'PASS' : 'BELOW'}`,
        );
      }
    } catch (e) {
      console.error('  FAIL: the run crashed:', e);
      ok = false;
    } finally {
      await database.db.destroy();
      await database.drop();
      await twin.db.destroy();
      await twin.drop();
    }
  }
  if (options.csvRows > 0) {
    try {
      console.log(`\n== CSV export of ${options.csvRows.toLocaleString('en-US')} rows through sendCsv on a real HTTP response, load average ${loadAverage()}`);
      const c = await benchCsv(options.csvRows);
      const rate = c.rows / c.seconds;
      console.log(
        `  ${(c.bytes / 2 ** 20).toFixed(1)} MiB in ${c.seconds.toFixed(2)} s: ${Math.round(rate).toLocaleString('en-US')} rows/s  target ≥ ${CSV_ROWS_TARGET.toLocaleString('en-US')}: ${rate >= CSV_ROWS_TARGET ? 'PASS' : 'BELOW'}`,
      );
      console.log(
        `  peak RSS ${c.peakAboveIdleMb.toFixed(1)} MB above the idle process (${c.idleRssMb.toFixed(0)} MB; sampled every 10 ms)  target ≤ ${CSV_RSS_TARGET_MB} MB: ${c.peakAboveIdleMb <= CSV_RSS_TARGET_MB ? 'PASS' : 'BELOW'}`,
      );
    } catch (e) {
      console.error('  FAIL: the CSV export crashed:', e);
      ok = false;
    }
  }
  return ok;
}
