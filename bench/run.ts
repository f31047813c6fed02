/**
 * npm run bench: the referral link (/aff.php) of the reference host with Agent Tools, against a
 * bare express redirect that sets a cookie of the same size, on SQLite and (when reachable) on
 * MariaDB. It prints what it measured and checks that every click that got a response was stored.
 *
 *   BENCH_SECONDS=10              length of each measured run
 *   AGENTTOOLS_TEST_MYSQL_URL=…   MariaDB server (default mysql://root@127.0.0.1:3306)
 *   BENCH_REQUIRE_MARIADB=1       fail instead of skipping when MariaDB does not answer
 */
import os from 'node:os';
import { T } from '../module/db/tables';
import { type BenchDatabase, mariaDatabase, redact, sqliteDatabase } from './databases';
import { load, type LoadResult } from './load';
import { startBaseline, startModule } from './targets';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;
const CONNECTIONS = 50;
const TARGET_RATIO = 0.75;
const MYSQL_URL = process.env.AGENTTOOLS_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

/** Runs the comparison on one database; true when every click was accounted for. */
async function bench(database: BenchDatabase, moduleFirst: boolean): Promise<boolean> {
  console.log(`\n== ${database.label}`);
  const { db } = database;
  let ok = false;
  try {
    const mod = await startModule(db);
    const base = await startBaseline();

    // The warm-up fills the agent cache and lets V8 optimise both paths; its clicks count too.
    const warm = await load(mod.url, WARMUP_SECONDS, CONNECTIONS);
    await load(base.url, WARMUP_SECONDS, CONNECTIONS);
    const runs: Record<'module' | 'baseline', LoadResult | undefined> = { module: undefined, baseline: undefined };
    // Alternate which goes first across databases, so neither always gets the cooler machine.
    for (const which of moduleFirst ? (['module', 'baseline'] as const) : (['baseline', 'module'] as const)) {
      runs[which] = await load(which === 'module' ? mod.url : base.url, SECONDS, CONNECTIONS);
    }
    const m = runs.module!;
    const b = runs.baseline!;

    // Close the listeners first (close() waits for open requests), then flush the click buffer.
    await mod.close();
    await base.close();
    await mod.host.stop();
    const row = await db(T.clicks).where({ agent_id: mod.agentId }).count({ n: '*' }).first();
    const stored = Number(row?.n ?? 0);
    const sent = warm.ok + m.ok;
    const received = mod.received();

    const ratio = m.rps / b.rps;
    const rows: [string, string, string, string][] = [
      ['', 'req/s (mean)', 'p99 latency', 'responses'],
      ['module /aff.php', fmt(m.rps), `${m.p99Ms} ms`, m.statuses],
      ['express baseline', fmt(b.rps), `${b.p99Ms} ms`, b.statuses],
    ];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) console.log('  ' + r.map((c, i) => (i === 0 || i === 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   '));
    console.log(`  module / baseline: ${(ratio * 100).toFixed(1)} %  (target ≥ ${TARGET_RATIO * 100} %: ${ratio >= TARGET_RATIO ? 'PASS' : 'BELOW'})`);

    const failed = warm.failed + m.failed;
    console.log(`  clicks sent: ${sent}, clicks stored: ${stored}  (${stored === sent ? 'equal' : 'NOT equal'})`);
    if (stored !== sent) {
      // autocannon stops a timed run by dropping its connections, each with up to one request in
      // flight: the server may have handled those (a click) though autocannon never read the answer.
      console.log(`  the server received ${received} /aff.php requests; ${received - sent} of them were in flight when autocannon closed its connections`);
    }
    // Every request that reached the module must be stored (nothing lost, nothing twice), and
    // the only slack against autocannon's count is one in-flight request per connection per run.
    ok = failed === 0 && stored === received && stored >= sent && stored - sent <= 2 * CONNECTIONS;
    if (failed) console.log(`  FAIL: ${failed} module requests failed or got an error status`);
    else if (!ok) console.log(`  FAIL: clicks lost or duplicated (stored ${stored}, received ${received}, sent ${sent})`);
  } catch (e) {
    console.error('  FAIL: the run crashed:', e);
  } finally {
    await db.destroy();
    await database.drop();
  }
  return ok;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<number> {
  console.log(`Agent Tools referral-link benchmark — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), Node ${process.version}`);
  console.log(`autocannon: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per server, load generated in a worker thread`);

  let ok = await bench(sqliteDatabase(), true);

  const maria = await mariaDatabase(MYSQL_URL);
  if (maria) ok = (await bench(maria, false)) && ok;
  else if (process.env.BENCH_REQUIRE_MARIADB === '1') {
    console.error(`\nMariaDB not reachable at ${redact(MYSQL_URL)}, and BENCH_REQUIRE_MARIADB=1`);
    return 1;
  } else console.log(`\nMariaDB not reachable at ${redact(MYSQL_URL)}, skipped`);

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
