/**
 * npm run bench: the referral links (/aff.php and /go/<slug>) of the reference host with Agent
 * Tools, against an express redirect that sets a cookie of the same size (in an app with the
 * host's settings and nothing else), on SQLite and (when
 * reachable) on MariaDB. It prints what it measured and checks that every click sent to the
 * module was stored.
 *
 *   BENCH_SECONDS=10              measured time per server (in two halves)
 *   BENCH_ONLY=links              only the links (or invoice-paid: only InvoicePaid; events-in: only signed events)
 *   AGENTTOOLS_TEST_MYSQL_URL=…   MariaDB server (default mysql://root@127.0.0.1:3306)
 *   BENCH_REQUIRE_MARIADB=1       fail instead of skipping when MariaDB does not answer
 *   BENCH_INVOICES=500            InvoicePaid events per measured run
 *   BENCH_HISTORY=100000          commissions already stored for the second InvoicePaid run
 *   BENCH_ONLY=daily-job          only the daily cron's job: tier evaluation and releases, 1,000 and 10,000 agents (MariaDB)
 *   BENCH_ONLY=payouts            only a payout batch of 10,000: created and exported (SQLite, MariaDB)
 *   BENCH_ONLY=agent-pages        only the agent's Overview and Commissions with 1,000,000 clicks and 100,000
 *                                   commissions stored against an empty history, and a 1,000,000-row CSV export
 *   BENCH_ONLY=nodes              only paid invoices/s with 1, 2, 3 app nodes (single MariaDB; with
 *   BENCH_CLUSTER=1                 also on a three-node Galera cluster, which it starts and stops)
 *
 * Then InvoicePaid: events per second on an empty ledger and with BENCH_HISTORY commissions
 * stored, against a bare knex transaction making the same writes (target: at least half its rate).
 *
 * Then signed events: InvoicePaid POSTed to /modules/addons/agenttools/events against the in-process
 * hook, per second, and every event sent again: none may be processed twice.
 */
import os from 'node:os';
import { T } from '../module/db/tables';
import { type BenchDatabase, mariaDatabase, redact, sqliteDatabase } from './databases';
import { combine, load, statuses, type LoadResult } from './load';
import { type LinkPath, startBaseline, startModule } from './targets';
import { benchInvoicePaid } from './invoice-paid';
import { benchEventsIn } from './events-in';
import { benchPaidOnNodes } from './cluster';
import { runDailyJobBench } from './daily-job';
import { runPayoutsBench } from './payouts';
import { runAgentPagesBench } from './agent-pages';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
if (!(SECONDS > 0)) throw new Error(`BENCH_SECONDS must be a positive number of seconds, not ${process.env.BENCH_SECONDS}`);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const TARGET_RATIO = 0.75;
/** InvoicePaid against a bare knex transaction making the same writes (issue 17). */
const INVOICE_PAID_TARGET = 0.5;
const MYSQL_URL = process.env.AGENTTOOLS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const REQUIRE_MARIADB = process.env.BENCH_REQUIRE_MARIADB === '1';
const INVOICES = Number(process.env.BENCH_INVOICES ?? 500);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);
const ONLY = process.env.BENCH_ONLY ?? '';
if (!['', 'links', 'invoice-paid', 'events-in', 'nodes', 'daily-job', 'payouts', 'agent-pages'].includes(ONLY))
  throw new Error(`BENCH_ONLY must be links, invoice-paid, events-in, nodes, daily-job, payouts or agent-pages, not ${ONLY}`);
/** Also the Galera part of the app-nodes figures (a three-node cluster on loopback ports 3307-3309). */
const CLUSTER = process.env.BENCH_CLUSTER === '1';

// Ctrl-C mid-run must not leave a temp file or an at_bench_* database behind.
let dropOnSignal: (() => Promise<void>) | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: dropping the benchmark database`);
    (dropOnSignal?.() ?? Promise.resolve()).catch((e: unknown) => console.error('  the benchmark database could not be dropped:', e)).finally(() => process.exit(1));
  });
}

interface Subject {
  name: string;
  url: string;
  /** For the module's links: the path whose requests are counted, and the agent whose clicks they are. */
  link?: { path: LinkPath; agentId: number };
  warm?: LoadResult;
  runs: LoadResult[];
}

/** Runs the comparison on one database; true when every click was accounted for. */
async function bench(database: BenchDatabase): Promise<boolean> {
  // The 1-minute load average: other work on the machine (tests, builds) moves every number below.
  console.log(`\n== ${database.label}, load average ${loadAverage()}`);
  dropOnSignal = () => database.drop();
  const { db } = database;
  let ok: boolean;
  try {
    const mod = await startModule(db);
    const base = await startBaseline();
    const subjects: Subject[] = [
      { name: 'express baseline', url: base.url, runs: [] },
      { name: 'module /aff.php', url: mod.aff.url, link: { path: '/aff.php', agentId: mod.aff.agentId }, runs: [] },
      { name: 'module /go/<slug>', url: mod.go.url, link: { path: '/go/', agentId: mod.go.agentId }, runs: [] },
    ];

    // The warm-up fills the caches and lets V8 optimise every path; its clicks count too.
    for (const s of subjects) s.warm = await load(s.url, WARMUP_SECONDS, CONNECTIONS);
    // Each server is measured in two halves, in the order A B C then C B A: a machine that
    // gets busier or quieter during the run moves every server's mean alike.
    for (const s of subjects) s.runs.push(await load(s.url, SECONDS / 2, CONNECTIONS));
    for (const s of [...subjects].reverse()) s.runs.push(await load(s.url, SECONDS / 2, CONNECTIONS));

    // Close the listeners first (close() waits for open requests), then flush the click buffer.
    await mod.close();
    await base.close();
    await mod.host.stop();

    const results = subjects.map((s) => ({ ...s, all: combine(s.runs) }));
    const [baseline] = results;
    if (!baseline) throw new Error('no results: the subjects start with the express baseline');
    const header = ['', 'req/s (mean)', 'p99 latency', 'of baseline', 'responses'];
    const rows: string[][] = [header];
    for (const r of results) rows.push([r.name, fmt(r.all.rps), `${r.all.p99Ms} ms`, r === baseline ? '' : percent(r.all.rps / baseline.all.rps), statuses(r.all)]);
    const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
    const last = header.length - 1;
    for (const r of rows) console.log(('  ' + r.map((c, i) => (i === 0 || i === last ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('   ')).trimEnd());
    console.log("  baseline: express's res.cookie and res.redirect, under the host's app settings; the module's links run in the reference host, mounted first");
    const verdicts = results.flatMap((r) => (r.link ? [`${r.link.path} ${r.all.rps / baseline.all.rps >= TARGET_RATIO ? 'PASS' : 'BELOW'}`] : []));
    console.log(`  target ≥ ${TARGET_RATIO * 100} % of the baseline: ${verdicts.join(', ')}  (p99 is the worse of each server's two halves)`);

    ok = true;
    for (const r of results) {
      if (!r.link) continue;
      // A timed autocannon run ends by dropping its connections, each with its last request
      // written but unanswered (one per connection, so up to 50 per run here); some of those
      // reach the module and are clicks, some do not. autocannon's 2xx/3xx count (3xx lands in
      // its non2xx, hence statusCodeStats) is thus a floor and its requests.sent a ceiling; the
      // exact number of clicks sent to the module is what the server received, and that is what
      // must be stored.
      const row = await db(T.clicks).where({ agent_id: r.link.agentId }).count({ n: '*' }).first();
      const stored = Number(row?.n ?? 0);
      if (!r.warm) throw new Error(`${r.name} has no warm-up run, though every subject is warmed up first`);
      const counted = combine([r.warm, ...r.runs]);
      const received = mod.received(r.link.path);
      const sent = received.requests - received.bots;
      const bots = received.bots ? ` (and ${received.bots} requests whose random user agent reads as a bot: not clicks)` : '';
      console.log(`  ${r.name}: clicks sent ${sent}${bots}, clicks stored ${stored}  (${stored === sent ? 'equal' : 'NOT equal'})`);
      console.log(
        `    autocannon: ${counted.ok} answered 2xx/3xx, ${counted.sent - counted.ok} more written but unanswered when it stopped; ${received.requests - counted.ok} of those reached the server`,
      );
      const consistent = counted.ok <= received.requests && received.requests <= counted.sent;
      if (counted.failed) console.log(`    FAIL: ${counted.failed} requests failed or got an error status`);
      else if (stored !== sent) console.log(`    FAIL: ${stored < sent ? 'clicks lost' : 'more clicks stored than sent'}`);
      else if (!consistent) console.log("    FAIL: the server's request count is outside autocannon's");
      ok = ok && counted.failed === 0 && stored === sent && consistent;
    }
  } catch (e) {
    console.error('  FAIL: the run crashed:', e);
    ok = false;
  } finally {
    dropOnSignal = null;
    await db.destroy();
    await database.drop();
  }
  return ok;
}

/** InvoicePaid throughput on one database; the cost must not grow with history. */
async function benchHook(database: BenchDatabase): Promise<boolean> {
  console.log(`\n== InvoicePaid on ${database.label}, load average ${loadAverage()}`);
  dropOnSignal = () => database.drop();
  try {
    const f = await benchInvoicePaid(database.label, database.db, INVOICES, HISTORY);
    console.log(`  empty ledger:                       ${fmt(f.emptyPerSecond)} invoices/s  (${f.invoices} invoices, one line each)`);
    console.log(`  with ${fmt(f.history)} commissions stored:  ${fmt(f.historyPerSecond)} invoices/s  (${(100 * (f.historyPerSecond / f.emptyPerSecond)).toFixed(1)} % of empty)`);
    const ratio = f.historyPerSecond / f.bareInsertPerSecond;
    console.log(`  bare knex, the same writes:         ${fmt(f.bareInsertPerSecond)} per s  (module at ${percent(ratio)} of it, taking turns with it in rounds)`);
    console.log(`  target ≥ ${percent(INVOICE_PAID_TARGET)} of the bare writes: ${ratio >= INVOICE_PAID_TARGET ? 'PASS' : 'BELOW'}`);
    return true;
  } catch (e) {
    console.error('  FAIL: the run crashed:', e);
    return false;
  } finally {
    dropOnSignal = null;
    await database.db.destroy();
    await database.drop();
  }
}

/** Signed events over HTTP against the in-process hook, on one database; no event may be processed twice. */
async function benchSignedEvents(database: BenchDatabase): Promise<boolean> {
  console.log(`\n== signed events on ${database.label}, load average ${loadAverage()}`);
  dropOnSignal = () => database.drop();
  try {
    const f = await benchEventsIn(database.db, INVOICES);
    console.log(`  in-process InvoicePaid hook:             ${fmt(f.inProcessPerSecond)} events/s  (${f.events} events, one after another)`);
    console.log(`  signed, POSTed, one at a time:           ${fmt(f.signedPerSecond)} events/s  (${percent(f.signedPerSecond / f.inProcessPerSecond)} of in-process)`);
    console.log(
      `  signed, POSTed, ${f.concurrency} at once:              ${fmt(f.signedConcurrentPerSecond)} events/s  (${percent(f.signedConcurrentPerSecond / f.inProcessPerSecond)} of in-process)`,
    );
    console.log(`  sent again (alone, then two at once): ${f.resent}, processed again: ${f.duplicatesProcessed}  (${f.duplicatesProcessed === 0 ? 'PASS' : 'FAIL'})`);
    return f.duplicatesProcessed === 0;
  } catch (e) {
    console.error('  FAIL: the run crashed:', e);
    return false;
  } finally {
    dropOnSignal = null;
    await database.db.destroy();
    await database.drop();
  }
}

/** The 1-minute load average, which Node gives on every platform (zeros on Windows). */
function loadAverage(): string {
  const [oneMinute] = os.loadavg();
  if (oneMinute === undefined) throw new Error('os.loadavg() gave no 1-minute figure');
  return oneMinute.toFixed(2);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** The MariaDB database for one part, or null when the server does not answer. */
async function maria(suffix = ''): Promise<BenchDatabase | null> {
  const database = await mariaDatabase(MYSQL_URL, suffix);
  if (!('unreachable' in database)) return database;
  console.log(`\nMariaDB not reachable at ${redact(MYSQL_URL)} (${database.unreachable})${REQUIRE_MARIADB ? ', and BENCH_REQUIRE_MARIADB=1' : ', skipped'}`);
  return null;
}

async function main(): Promise<number> {
  console.log(`Agent Tools referral-link benchmark — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`);
  let ok = true;
  if (ONLY === '' || ONLY === 'links') {
    console.log(`autocannon: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per server (two halves), load generated in a worker thread`);
    ok = (await bench(sqliteDatabase())) && ok;
    const mariaDb = await maria();
    if (mariaDb) ok = (await bench(mariaDb)) && ok;
    else if (REQUIRE_MARIADB) return 1;
  }
  if (ONLY === '' || ONLY === 'invoice-paid') {
    ok = (await benchHook(sqliteDatabase())) && ok;
    const mariaDb = await maria();
    if (mariaDb) ok = (await benchHook(mariaDb)) && ok;
    else if (REQUIRE_MARIADB) return 1;
  }
  if (ONLY === '' || ONLY === 'events-in') {
    ok = (await benchSignedEvents(sqliteDatabase())) && ok;
    const mariaDb = await maria();
    if (mariaDb) ok = (await benchSignedEvents(mariaDb)) && ok;
    else if (REQUIRE_MARIADB) return 1;
  }
  if (ONLY === 'nodes' || (ONLY === '' && CLUSTER)) ok = (await benchPaidOnNodes(MYSQL_URL, CLUSTER)) && ok;
  // The daily cron's job (bench/daily-job.ts): evaluation and releases, 1,000 then 10,000 agents, on MariaDB.
  if (ONLY === '' || ONLY === 'daily-job') ok = (await runDailyJobBench(maria, REQUIRE_MARIADB)) && ok;
  // A payout batch of 10,000 created and exported (bench/payouts.ts), on SQLite and MariaDB.
  if (ONLY === '' || ONLY === 'payouts') ok = (await runPayoutsBench([() => Promise.resolve(sqliteDatabase()), maria], REQUIRE_MARIADB)) && ok;
  // The agent's Overview and Commissions with a year of history, and a 1,000,000-row CSV export (bench/agent-pages.ts).
  if (ONLY === '' || ONLY === 'agent-pages') ok = (await runAgentPagesBench([(suffix) => Promise.resolve(sqliteDatabase(suffix)), maria], REQUIRE_MARIADB, loadAverage)) && ok;
  return ok ? 0 : 1;
}

main().then(
  // Exit explicitly: the host may leave timers (session store, mailer) that would keep us alive.
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
