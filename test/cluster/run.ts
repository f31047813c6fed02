import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { GaleraCluster, GaleraMissing, nodeUrl, ports } from './galera';
import { setClusterContext, type AppNode } from './context';

/**
 * npm run test:cluster: a three-node Galera cluster on loopback, three app nodes of the reference
 * host (host/main.ts), each on its own database node (the others listed after it, to fail over
 * to), started at once on the empty database; then the suites in test/cluster/*.cluster.ts.
 * Everything it starts is stopped by process id at the end, on failure and on SIGINT/SIGTERM.
 */
const ROOT = path.resolve(__dirname, '../..');
const DATABASE = 'agenttools';
const APP_PORT = 3411;

const apps: (AppNode & { child: ChildProcess })[] = [];
let cluster: GaleraCluster | null = null;

/** Node i's URL for an app: its own node first, the others to fail over to. */
export function appDatabaseUrl(i: number): string {
  const order = [i, (i + 1) % 3, (i + 2) % 3].map((n) => `127.0.0.1:${ports(n).sql}`);
  return `mysql://root@${order.join(',')}/${DATABASE}`;
}

async function startApps(dir: string): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const port = APP_PORT + i;
    const log = fs.openSync(path.join(dir, `app${i}.log`), 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', 'host/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: appDatabaseUrl(i), PORT: String(port), SITE_URL: `http://127.0.0.1:${port}`, SEED: '0' },
      stdio: ['ignore', log, log],
    });
    apps.push({ child, url: `http://127.0.0.1:${port}`, log: path.join(dir, `app${i}.log`), databaseNode: i });
  }
  // Started together: three migrators on an empty database, on three nodes.
  await Promise.all(apps.map((app) => waitForHttp(app.url, app.child, 180_000)));
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app node at ${url} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/login`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the app node at ${url} did not answer in ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopApps(): Promise<void> {
  await Promise.all(
    apps.map(
      (app) =>
        new Promise<void>((resolve) => {
          if (!app.child.pid || app.child.exitCode !== null || app.child.signalCode !== null) return resolve();
          const timer = setTimeout(() => app.child.pid && process.kill(app.child.pid, 'SIGKILL'), 15_000);
          app.child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          process.kill(app.child.pid, 'SIGTERM');
        }),
    ),
  );
}

/** The last lines of a log that are not a stack frame. */
function tail(file: string): string {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  return lines
    .filter((l) => !/^\s+at /.test(l))
    .slice(-15)
    .join('\n');
}

async function runSuites(): Promise<number> {
  const mocha = new Mocha({ timeout: 180_000, reporter: 'spec' });
  const only = process.env.AGENTTOOLS_CLUSTER_GREP;
  if (only) mocha.grep(only);
  for (const f of fs
    .readdirSync(__dirname)
    .filter((n) => n.endsWith('.cluster.ts'))
    .sort())
    mocha.addFile(path.join(__dirname, f));
  await mocha.loadFilesAsync();
  return new Promise((resolve) => mocha.run(resolve));
}

async function main(): Promise<number> {
  const started = Date.now();
  try {
    cluster = new GaleraCluster();
  } catch (e) {
    if (e instanceof GaleraMissing) {
      console.error(`test:cluster: ${e.message}`);
      return 2;
    }
    throw e;
  }
  try {
    await cluster.start();
    const admin = cluster.admin(0);
    await admin.raw(`CREATE DATABASE ${DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.destroy();
    const appsStarted = Date.now();
    await startApps(cluster.dir);
    console.log(`apps: 3 nodes migrated at once and serving in ${((Date.now() - appsStarted) / 1000).toFixed(1)} s`);
    setClusterContext({ cluster, apps, databaseUrl: (i) => nodeUrl(i, DATABASE), appDatabaseUrl });
    const failures = await runSuites();
    console.log(`test:cluster: ${failures} failure(s), ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
    return failures ? 1 : 0;
  } catch (e) {
    console.error(e);
    for (const i of [0, 1, 2]) console.error(`--- database node ${i}\n${cluster.errorLog(i)}`);
    for (const app of apps) console.error(`--- app node at ${app.url}\n${tail(app.log)}`);
    return 1;
  } finally {
    await stopApps();
    await cluster.stop();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const app of apps) if (app.child.pid && app.child.exitCode === null) process.kill(app.child.pid, 'SIGKILL');
    cluster?.killAll();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
