import type { Knex } from 'knex';
import { createAgentTools, type AgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import type { Logger } from '../module/core/logger';
import { connect } from '../module/db/connection';
import { MemoryHost } from '../test/support/memory-host';
import { GaleraCluster, nodeUrl } from '../test/cluster/galera';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export interface NodesFigure {
  nodes: number;
  perSecond: number;
}

/**
 * Paid invoices per second with one, two and three app nodes, each its own module instance with
 * its own pool to `urlOf(i)` (three nodes of a cluster, or the same server three times), each
 * paying its own clients' invoices, `concurrency` at a time. Every node's clients belong to one
 * agent of its own, as a program's agents spread over the nodes would.
 */
export async function benchNodes(urlOf: (i: number) => string, invoicesPerNode: number, concurrency = 4): Promise<NodesFigure[]> {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
  const pools: Knex[] = [0, 1, 2].map((i) => connect(urlOf(i)));
  const nodes: AgentTools[] = pools.map((db) => createAgentTools({ db, host, clock, logger: quiet, secret: 'bench' }));
  try {
    for (const n of nodes) await n.activate();
    const program = await nodes[0]?.services.programs.bySlug('default');
    if (!program) throw new Error('no default program');
    let nextClient = 1;
    let nextInvoice = 1;
    const agents: number[] = [];
    for (let i = 0; i < 3; i++) {
      const clientId = nextClient++;
      host.addClient(clientId);
      agents.push((await nodes[0]!.services.agents.activateForClient(clientId, program.id)).id);
    }
    const prepare = async (node: number, n: number) => {
      const ids: number[] = [];
      for (let k = 0; k < n; k++) {
        const clientId = nextClient++;
        host.addClient(clientId);
        await nodes[node]!.services.assignments.assign(clientId, agents[node]!, 'bench', 'bench');
        const id = nextInvoice++;
        host.addPaidInvoice(id, clientId, [12_345], clock.now());
        ids.push(id);
      }
      return ids;
    };
    const figures: NodesFigure[] = [];
    for (const count of [1, 2, 3]) {
      const work = await Promise.all(Array.from({ length: count }, (_, i) => prepare(i, invoicesPerNode)));
      const t0 = process.hrtime.bigint();
      await Promise.all(
        work.flatMap((ids, i) =>
          Array.from({ length: concurrency }, async () => {
            for (let id = ids.shift(); id !== undefined; id = ids.shift()) {
              const r = await nodes[i]!.services.earnings.onInvoicePaid(id);
              if (r.outcome !== 'created') throw new Error(`invoice ${id}: ${r.outcome}`);
            }
          }),
        ),
      );
      figures.push({ nodes: count, perSecond: (count * invoicesPerNode) / (Number(process.hrtime.bigint() - t0) / 1e9) });
    }
    return figures;
  } finally {
    for (const n of nodes) await n.stop();
    for (const p of pools) await p.destroy();
  }
}

/** The same on a three-node Galera cluster started for the purpose (and stopped after). */
export async function benchGalera(invoicesPerNode: number): Promise<NodesFigure[]> {
  const cluster = new GaleraCluster(() => undefined);
  try {
    await cluster.start();
    const admin = cluster.admin(0);
    await admin.raw('CREATE DATABASE agenttools_bench');
    await admin.destroy();
    return await benchNodes((i) => nodeUrl(i, 'agenttools_bench'), invoicesPerNode);
  } finally {
    await cluster.stop();
  }
}

/**
 * BENCH_ONLY=nodes, or BENCH_CLUSTER=1 with the rest: paid invoices per second with one, two and
 * three app nodes on a single MariaDB and (with BENCH_CLUSTER=1 and galera-4 installed) on a
 * three-node Galera cluster on loopback. Prints; true unless a run failed.
 */
export async function benchPaidOnNodes(mysqlUrl: string, withGalera: boolean): Promise<boolean> {
  const invoices = Number(process.env.BENCH_NODE_INVOICES ?? 300);
  const print = (label: string, figures: NodesFigure[]) => {
    console.log(`\n== paid invoices per second by app nodes, ${label} (${invoices} invoices per node, 4 at a time on each)`);
    const one = figures[0]?.perSecond ?? 1;
    for (const f of figures) console.log(`  ${f.nodes} app node${f.nodes > 1 ? 's' : ' '}: ${Math.round(f.perSecond)} invoices/s  (${(f.perSecond / one).toFixed(2)} × one node)`);
  };
  const name = `at_bench_nodes_${process.pid}`;
  const server = mysqlUrl.replace(/^(mysql:\/\/[^/]+).*$/, '$1');
  const admin = connect(`${server}/`);
  try {
    await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.raw(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    print('single MariaDB', await benchNodes(() => `${server}/${name}`, invoices));
  } catch (e) {
    console.error('  FAIL: the single-MariaDB run crashed:', e);
    return false;
  } finally {
    await admin.raw(`DROP DATABASE IF EXISTS \`${name}\``);
    await admin.destroy();
  }
  if (!withGalera) return true;
  try {
    print('three-node Galera cluster on loopback, app node i on database node i', await benchGalera(invoices));
    return true;
  } catch (e) {
    console.error('  FAIL: the Galera run crashed:', e);
    return false;
  }
}
