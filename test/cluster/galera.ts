import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex, { type Knex } from 'knex';

/** Debian's galera-4 package puts the provider here. */
export const GALERA_PROVIDER = '/usr/lib/galera/libgalera_smm.so';
const SIZE = 3;

/** Node i listens for SQL on 3307+i, for replication on 4567+i, for IST on 4577+i, for SST on 4587+i. */
export const ports = (i: number) => ({ sql: 3307 + i, gcomm: 4567 + i, ist: 4577 + i, sst: 4587 + i });

/** A database URL of node i (root, no password: the cluster lives on loopback and only for the tests). */
export const nodeUrl = (i: number, database = '') => `mysql://root@127.0.0.1:${ports(i).sql}/${database}`;

export class GaleraMissing extends Error {}

/**
 * A three-node Galera cluster on loopback in a temporary folder: node 0 bootstraps it, the others
 * join by state transfer (rsync). Every process it starts is kept by id and stopped by id.
 */
export class GaleraCluster {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttools-galera-'));
  private readonly processes = new Map<number, ChildProcess>();

  constructor(private readonly log: (line: string) => void = console.log) {
    if (!fs.existsSync(GALERA_PROVIDER)) {
      throw new GaleraMissing(`Galera is not installed (${GALERA_PROVIDER} is missing): apt-get install galera-4, then run npm run test:cluster again`);
    }
    // The nodes run as the mysql user (rsync state transfer fails as root): it must reach the folder.
    fs.chmodSync(this.dir, 0o755);
  }

  async start(): Promise<void> {
    const started = Date.now();
    for (let i = 0; i < SIZE; i++) this.prepare(i);
    execFileSync('mariadb-install-db', ['--no-defaults', `--datadir=${this.dataDir(0)}`, '--user=mysql', '--auth-root-authentication-method=normal', '--skip-test-db'], { stdio: 'ignore' });
    this.launch(0, ['--wsrep-new-cluster']);
    await this.waitReady(0, 60_000);
    for (let i = 1; i < SIZE; i++) {
      this.launch(i, []);
      // One joiner at a time: node 0 is the only donor until the first has caught up.
      await this.waitReady(i, 90_000);
    }
    await this.waitForSize(SIZE, 60_000);
    this.log(`galera: 3 nodes ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${this.dir})`);
  }

  /** kill -9: the node drops out of the cluster after a few seconds. */
  kill(i: number): void {
    const child = this.processes.get(i);
    if (!child?.pid) throw new Error(`node ${i} is not running`);
    process.kill(child.pid, 'SIGKILL');
  }

  /** A killed node back: --wsrep-recover finds its last position, so that it catches up by IST. */
  async restart(i: number): Promise<void> {
    await this.exited(i);
    execFileSync('mariadbd', [`--defaults-file=${this.config(i)}`, '--user=mysql', '--wsrep-recover', `--log-error=${path.join(this.nodeDir(i), 'recover.log')}`], { stdio: 'ignore' });
    const log = fs.readFileSync(path.join(this.nodeDir(i), 'recover.log'), 'utf8');
    const position = /WSREP: Recovered position: (\S+)/.exec(log)?.[1];
    this.launch(i, position ? [`--wsrep-start-position=${position}`] : []);
    await this.waitReady(i, 90_000);
    await this.waitForSize(SIZE, 60_000);
  }

  async waitForSize(size: number, timeoutMs: number, from = 0): Promise<void> {
    const db = this.admin(from);
    try {
      await until(timeoutMs, `wsrep_cluster_size=${size}`, async () => Number(await status(db, 'wsrep_cluster_size')) === size && (await status(db, 'wsrep_local_state_comment')) === 'Synced');
    } finally {
      await db.destroy();
    }
  }

  /** A root connection to node i, with no database chosen. */
  admin(i: number): Knex {
    return knex({ client: 'mysql2', connection: { uri: nodeUrl(i), connectTimeout: 2000 } as Knex.MySql2ConnectionConfig, pool: { min: 0, max: 1 } });
  }

  /** Stops every node it started (SIGTERM, then SIGKILL after 20 s) and removes its folder. */
  async stop(): Promise<void> {
    for (const [i, child] of this.processes) {
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 20_000);
      await this.exited(i);
      clearTimeout(timer);
    }
    this.processes.clear();
    if (process.env.AGENTTOOLS_CLUSTER_KEEP !== '1') fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** Kills at once whatever still runs (a signal arrived): nothing may outlive the harness. */
  killAll(): void {
    for (const child of this.processes.values()) if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
  }

  errorLog(i: number): string {
    const file = path.join(this.nodeDir(i), 'error.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n') : '(no log)';
  }

  private exited(i: number): Promise<void> {
    const child = this.processes.get(i);
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => child.once('exit', () => resolve()));
  }

  private launch(i: number, extra: string[]): void {
    const child = spawn('mariadbd', [`--defaults-file=${this.config(i)}`, '--user=mysql', ...extra], { stdio: 'ignore' });
    child.on('error', (e) => this.log(`galera: node ${i} could not start: ${e.message}`));
    this.processes.set(i, child);
  }

  private async waitReady(i: number, timeoutMs: number): Promise<void> {
    const db = this.admin(i);
    try {
      await until(timeoutMs, `node ${i} ready`, async () => {
        const child = this.processes.get(i);
        if (child && (child.exitCode !== null || child.signalCode !== null)) throw new Error(`node ${i} exited:\n${this.errorLog(i)}`);
        return (await status(db, 'wsrep_ready')) === 'ON' && (await status(db, 'wsrep_local_state_comment')) === 'Synced';
      });
    } finally {
      await db.destroy();
    }
  }

  private nodeDir(i: number): string {
    return path.join(this.dir, `node${i}`);
  }

  private dataDir(i: number): string {
    return path.join(this.nodeDir(i), 'data');
  }

  private config(i: number): string {
    return path.join(this.nodeDir(i), 'my.cnf');
  }

  private prepare(i: number): void {
    const p = ports(i);
    fs.mkdirSync(this.dataDir(i), { recursive: true });
    const peers = Array.from({ length: SIZE }, (_, n) => `127.0.0.1:${ports(n).gcomm}`).join(',');
    const lines = [
      '[mysqld]',
      `datadir=${this.dataDir(i)}`,
      `socket=${path.join(this.nodeDir(i), 'mysqld.sock')}`,
      `pid-file=${path.join(this.nodeDir(i), 'mysqld.pid')}`,
      `log-error=${path.join(this.nodeDir(i), 'error.log')}`,
      `port=${p.sql}`,
      'bind-address=127.0.0.1',
      'max_connections=400',
      'binlog_format=ROW',
      'default_storage_engine=InnoDB',
      'innodb_autoinc_lock_mode=2',
      'innodb_buffer_pool_size=64M',
      'innodb_log_file_size=32M',
      // Durability comes from the other nodes; the tests need the speed.
      'innodb_flush_log_at_trx_commit=2',
      'innodb_lock_wait_timeout=20',
      'wsrep_on=ON',
      `wsrep_provider=${GALERA_PROVIDER}`,
      'wsrep_cluster_name=agenttools_test',
      `wsrep_cluster_address=gcomm://${peers}`,
      `wsrep_node_name=node${i}`,
      `wsrep_node_address=127.0.0.1:${p.gcomm}`,
      `wsrep_provider_options="gmcast.listen_addr=tcp://127.0.0.1:${p.gcomm};ist.recv_addr=127.0.0.1:${p.ist};gcache.size=128M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S"`,
      `wsrep_sst_receive_address=127.0.0.1:${p.sst}`,
      'wsrep_sst_method=rsync',
      'wsrep_slave_threads=2',
      'wsrep_retry_autocommit=3',
      'wsrep_sync_wait=0',
    ];
    fs.writeFileSync(this.config(i), lines.join('\n') + '\n');
    execFileSync('chown', ['-R', 'mysql:mysql', this.nodeDir(i)]);
  }
}

async function status(db: Knex, name: string): Promise<string | null> {
  const [rows] = (await db.raw('SHOW STATUS LIKE ?', [name])) as [{ Value?: unknown }[]];
  const value = rows[0]?.Value;
  return typeof value === 'string' ? value : null;
}

/** Polls until the check says yes (errors meaning "not yet"), or throws after the time. */
async function until(timeoutMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      if (e instanceof Error && / exited:/.test(e.message)) throw e;
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
