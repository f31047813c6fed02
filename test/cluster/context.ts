import type { GaleraCluster } from './galera';

export interface AppNode {
  url: string;
  log: string;
  /** The database node it prefers (its URL lists the other two after it). */
  databaseNode: number;
}

export interface ClusterContext {
  cluster: GaleraCluster;
  apps: AppNode[];
  /** The test database on node i alone. */
  databaseUrl(i: number): string;
  /** Node i first, then the others: what an app node is given. */
  appDatabaseUrl(i: number): string;
}

// Kept on the global object: mocha may load the suites through another module loader than the
// harness's, which would give them a second copy of this module.
const KEY = Symbol.for('agenttools.cluster');

export function setClusterContext(ctx: ClusterContext): void {
  Object.assign(globalThis, { [KEY]: ctx });
}

export function clusterContext(): ClusterContext {
  const ctx: unknown = Reflect.get(globalThis, KEY);
  if (!isContext(ctx)) throw new Error('no cluster: the suites in test/cluster/ run under npm run test:cluster');
  return ctx;
}

function isContext(v: unknown): v is ClusterContext {
  return typeof v === 'object' && v !== null && 'cluster' in v && 'apps' in v;
}
