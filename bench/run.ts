/**
 * npm run bench: the referral link (/aff.php) of the reference host with Agent Tools, against a
 * bare express redirect that sets a cookie of the same size, on SQLite and (when reachable) on
 * MariaDB. It prints what it measured and checks that every click sent to the module was stored.
 *
 *   BENCH_SECONDS=10              length of each measured run
 *   AGENTTOOLS_TEST_MYSQL_URL=…   MariaDB server (default mysql://root@127.0.0.1:3306)
 *   BENCH_REQUIRE_MARIADB=1       fail instead of skipping when MariaDB does not answer
 *   BENCH_INVOICES=500            InvoicePaid events per measured run
 *   BENCH_HISTORY=100000          commissions already stored for the second InvoicePaid run
 *
 * Then InvoicePaid: events per second on an empty ledger and with BENCH_HISTORY commissions
 * stored, against a bare knex transaction writing the same rows.
 */
import os from 'node:os';
import { T } from '../module/db/tables';
import { type BenchDatabase, mariaDatabase, redact, sqliteDatabase } from './databases';
import { load, type LoadResult } from './load';
import { startBaseline, startModule } from './targets';
import { benchInvoicePaid } from './invoice-paid';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
if (!(SECONDS > 0)) throw new Error(`BENCH_SECONDS must be a positive number of seconds, not ${process.env.BENCH_SECONDS}`);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const TARGET_RATIO = 0.75;
const MYSQL_URL = process.env.AGENTTOOLS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const INVOICES = Number(process.env.BENCH_INVOICES ?? 500);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);

// Ctrl-C mid-run must not leave a temp file or an at_bench_* database behind.
let dropOnSignal: (() => Promise<void>) | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: dropping the benchmark database`);
    void (dropOnSignal?.() ?? Promise.resolve()).finally(() => process.exit(1));
  });
}

/** Runs the comparison on one database; true when every click was accounted for. */
async function bench(database: BenchDatabase, moduleFirst: boolean): Promise<boolean> {
  // The 1-minute load average: other work on the machine (tests, builds) moves every number below.
  console.log(`\n== ${database.label}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  dropOnSignal = database.drop;
  const { db } = database;
  let ok = false;
  try {
    const mod = await startModule(db);
    const base = await startBaseline();

    // The warm-up fills the agent cache and lets V8 optimise both paths; its clicks count too.
    const warm = await load(mod.url, WARMUP_SECONDS, CONNECTIONS);
    await load(base.url, WARMUP_SECONDS, CONNECTIONS);
    // Alternate which goes first across databases, so neither always runs on the cooler machine.
    let m: LoadResult, b: LoadResult;
    if (moduleFirst) {
      m = await load(mod.url, SECONDS, CONNECTIONS);
      b = await load(base.url, SECONDS, CONNECTIONS);
    } else {
      b = await load(base.url, SECONDS, CONNECTIONS);
      m = await load(mod.url, SECONDS, CONNECTIONS);
    }

    // Close the listeners first (close() waits for open requests), then flush the click buffer.
    await mod.close();
    await base.close();
    await mod.host.stop();
    const row = await db(T.clicks).where({ agent_id: mod.agentId }).count({ n: '*' }).first();
    const stored = Number(row?.n ?? 0);

    const ratio = m.rps / b.rps;
    const rows: [string, string, string, string][] = [
      ['', 'req/s (mean)', 'p99 latency', 'responses'],
      ['module /aff.php', fmt(m.rps), `${m.p99Ms} ms`, m.statuses],
      ['express baseline', fmt(b.rps), `${b.p99Ms} ms`, b.statuses],
    ];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log(('  ' + r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ')).trimEnd());
    console.log(`  module / baseline: ${(ratio * 100).toFixed(1)} %  (target ≥ ${TARGET_RATIO * 100} %: ${ratio >= TARGET_RATIO ? 'PASS' : 'BELOW'})`);

    // A timed autocannon run ends by dropping its connections, each with its last request written
    // but unanswered (one per connection, so up to 2 × 50 here); some of those reach the module
    // and are clicks, some do not. autocannon's 2xx/3xx count (3xx lands in its non2xx, hence
    // statusCodeStats) is thus a floor and its requests.sent a ceiling; the exact number of clicks
    // sent to the module is what the server received, and that is what must be stored.
    const failed = warm.failed + m.failed;
    const answered = warm.ok + m.ok;
    const written = warm.sent + m.sent;
    const sent = mod.received();
    console.log(`  clicks sent: ${sent}, clicks stored: ${stored}  (${stored === sent ? 'equal' : 'NOT equal'})`);
    console.log(`    autocannon: ${answered} answered 2xx/3xx, ${written - answered} more written but unanswered when it stopped; ${sent - answered} of those reached the server`);
    const consistent = answered <= sent && sent <= written;
    ok = failed === 0 && stored === sent && consistent;
    if (failed) console.log(`  FAIL: ${failed} module requests failed or got an error status`);
    else if (stored !== sent) console.log(`  FAIL: ${stored < sent ? 'clicks lost' : 'more clicks stored than sent'}`);
    else if (!consistent) console.log("  FAIL: the server's request count is outside autocannon's");
  } catch (e) {
    console.error('  FAIL: the run crashed:', e);
  } finally {
    dropOnSignal = null;
    await db.destroy();
    await database.drop();
  }
  return ok;
}

/** InvoicePaid throughput on one database; the cost must not grow with history. */
async function benchHook(database: BenchDatabase): Promise<boolean> {
  console.log(`\n== InvoicePaid on ${database.label}, load average ${os.loadavg()[0]!.toFixed(2)}`);
  dropOnSignal = database.drop;
  try {
    const f = await benchInvoicePaid(database.label, database.db, INVOICES, HISTORY);
    console.log(`  empty ledger:                       ${fmt(f.emptyPerSecond)} invoices/s  (${f.invoices} invoices, one line each)`);
    console.log(`  with ${fmt(f.history)} commissions stored:  ${fmt(f.historyPerSecond)} invoices/s  (${(100 * (f.historyPerSecond / f.emptyPerSecond)).toFixed(1)} % of empty)`);
    console.log(`  bare knex insert of the same rows:  ${fmt(f.bareInsertPerSecond)} per s  (module at ${(100 * (f.historyPerSecond / f.bareInsertPerSecond)).toFixed(1)} % of it)`);
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

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<number> {
  console.log(`Agent Tools referral-link benchmark — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`);
  console.log(`autocannon: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per server, load generated in a worker thread`);

  let ok = await bench(sqliteDatabase(), true);

  const maria = await mariaDatabase(MYSQL_URL);
  if (!('unreachable' in maria)) ok = (await bench(maria, false)) && ok;
  else if (process.env.BENCH_REQUIRE_MARIADB === '1') {
    console.error(`\nMariaDB not reachable at ${redact(MYSQL_URL)} (${maria.unreachable}), and BENCH_REQUIRE_MARIADB=1`);
    return 1;
  } else console.log(`\nMariaDB not reachable at ${redact(MYSQL_URL)} (${maria.unreachable}), skipped`);

  ok = (await benchHook(sqliteDatabase())) && ok;
  const maria2 = await mariaDatabase(MYSQL_URL);
  if (!('unreachable' in maria2)) ok = (await benchHook(maria2)) && ok;

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
