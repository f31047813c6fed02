import { expect } from 'chai';
import type { Knex } from 'knex';
import { RuleError, errorMessage } from '../../module/core/errors';
import { T } from '../../module/db/tables';
import { verifyLedger } from '../../module/ledger/verify';
import { connect } from '../../module/db/connection';
import { asRows, num, text } from '../../module/db/columns';
import { BROWSER } from '../support/user-agents';
import { clusterContext } from './context';
import { COMMISSION, makeAgent, order, signUp, startWorld, type World } from './world';

/** How long the mixed load runs: 60 s by default; CI may ask for less. */
const SECONDS = Number(process.env.AGENTTOOLS_CLUSTER_LOAD_SECONDS ?? 60);
/** Database node 2 is killed at 30 % of the load and restarted (after --wsrep-recover) at 60 %. */
const VICTIM = 2;

interface Tally {
  clicksSent: number;
  clickAnswers: Record<string, number>;
  ops: Record<string, number>;
  failures: Record<string, number>;
}

/**
 * A mixed load on the three nodes, one database node killed with SIGKILL in the middle and brought
 * back: every node's ledger identical and clean, the commissions those of the host's invoices,
 * the clicks stored those sent.
 */
describe('a mixed load with a database node killed', function () {
  let w: World;
  let agents: number[];
  let clickAgent: number;
  const clients: number[][] = [[], [], []];
  const paid: number[][] = [[], [], []];
  const tally: Tally = { clicksSent: 0, clickAnswers: {}, ops: {}, failures: {} };

  before(async () => {
    // After the real date: the app processes, on the real clock, began the host event log today.
    w = await startWorld('2027-03-02T09:00:00Z');
    const h = w.hosts;
    agents = await Promise.all(h.map((host, i) => makeAgent(host, `load-agent-${i}`)));
    clickAgent = await makeAgent(h[0]!, 'click-agent');
    // Each agent starts with USD 200.00 available: ten paid invoices, their 30-day hold over.
    for (let i = 0; i < 3; i++) {
      for (let n = 0; n < 2; n++) clients[i]!.push(await signUp(h[i]!, agents[i]!, `load-client-${i}`));
      for (let n = 0; n < 10; n++) {
        const invoice = await order(h[i]!, clients[i]![n % 2]!, w.productId);
        await h[i]!.billing.payInvoice(invoice);
      }
    }
    w.clock.advanceDays(31);
    await h[0]!.agentTools.services.releases.releaseDue();
  });
  after(() => w.stop());

  it(`runs ${SECONDS} s of clicks, sign-ups, payments, refunds and withdrawals on three nodes while node ${VICTIM} is killed and rejoins`, async function () {
    const ctx = clusterContext();
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    const kill = started + SECONDS * 300;
    const restart = started + SECONDS * 600;
    let ip = 0;
    const count = (bag: Record<string, number>, key: string) => (bag[key] = (bag[key] ?? 0) + 1);

    const click = async (i: number) => {
      ip++;
      const res = await fetch(`${ctx.apps[i]!.url}/aff.php?aff=${clickAgent}`, {
        redirect: 'manual',
        headers: { 'User-Agent': BROWSER, 'X-Forwarded-For': `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}` },
      });
      count(tally.clickAnswers, `app${i} ${res.status}`);
      if (res.status === 302) tally.clicksSent++;
    };
    const step = async (i: number) => {
      const host = w.hosts[i]!;
      const roll = Math.random();
      if (roll < 0.4) return click(i);
      if (roll < 0.5) return void clients[i]!.push(await signUp(host, agents[i]!, `load-${i}`));
      if (roll < 0.8) {
        const invoice = await order(host, clients[i]![Math.floor(Math.random() * clients[i]!.length)]!, w.productId);
        await host.billing.payInvoice(invoice);
        return void paid[i]!.push(invoice);
      }
      if (roll < 0.9) {
        const invoice = paid[i]!.splice(Math.floor(Math.random() * paid[i]!.length), 1)[0];
        if (invoice !== undefined) await host.billing.refundInvoice(invoice);
        return;
      }
      // A withdrawal of another node's agent: the three nodes compete for the same balances.
      const agent = await host.agentTools.services.agents.get(agents[(i + 1) % 3]!);
      const program = agent ? await host.agentTools.services.programs.get(agent.programId) : null;
      if (agent && program) await host.agentTools.services.withdrawals.request(agent, program, '50.00');
    };
    const worker = async (i: number) => {
      while (Date.now() < deadline) {
        try {
          await step(i);
          count(tally.ops, `node${i}`);
        } catch (e) {
          if (e instanceof RuleError) count(tally.ops, `node${i} refused`);
          else count(tally.failures, `node${i}: ${errorMessage(e).slice(0, 80)}`);
        }
      }
    };
    const chaos = (async () => {
      await new Promise((r) => setTimeout(r, kill - Date.now()));
      ctx.cluster.kill(VICTIM);
      await new Promise((r) => setTimeout(r, restart - Date.now()));
      const t = Date.now();
      await ctx.cluster.restart(VICTIM);
      console.log(`      node ${VICTIM} killed, restarted with --wsrep-recover, synced ${((Date.now() - t) / 1000).toFixed(1)} s after its restart`);
    })();
    await Promise.all([0, 1, 2].flatMap((i) => [worker(i), worker(i), worker(i)]).concat(chaos));
    await ctx.cluster.waitForSize(3, 60_000);
    console.log(`      load: ${JSON.stringify(tally)}`);

    // Payments whose hook failed as the node died were committed by the host: the reconciliation
    // (the daily cron's, or the CLI's) finds them and earns on them, once.
    const reconciled = await w.hosts[0]!.agentTools.services.reconcile.reconcile(0);
    console.log(`      reconcile after the rejoin: ${JSON.stringify(reconciled)}`);
    await w.stop();

    const dbs = [0, 1, 2].map((i) => connect(ctx.databaseUrl(i)));
    try {
      // The apps flush their clicks every second, each to its own node (or the one it failed over to).
      await until(30_000, async () => (await clicksOf(dbs[0]!, clickAgent)) >= tally.clicksSent);
      const summaries = [];
      for (const db of dbs) {
        expect(await clicksOf(db, clickAgent)).to.equal(tally.clicksSent);
        expect((await verifyLedger(db)).problems).to.deep.equal([]);
        expect(await misEarned(db, agents)).to.deep.equal([]);
        summaries.push(await checksums(db));
      }
      expect(summaries[1]).to.deep.equal(summaries[0]);
      expect(summaries[2]).to.deep.equal(summaries[0]);
    } finally {
      await Promise.all(dbs.map((db) => db.destroy()));
    }
  });
});

async function clicksOf(db: Knex, agentId: number): Promise<number> {
  return num((await db(T.clicks).where({ agent_id: agentId }).count({ n: '*' }).first())?.n);
}

/**
 * The recomputation: each invoice of these agents' clients earns one commission of USD 20.00
 * while it is paid and nothing once refunded (voided, or reversed to zero; or never earned, when
 * the kill cut its payment's hook and the reconciliation found it refunded); unpaid, none.
 */
async function misEarned(db: Knex, agents: number[]): Promise<string[]> {
  const referred = (await db(T.referrals).whereIn('agent_id', agents).pluck('client_id')).map(num);
  const invoices = asRows(await db('host_invoices').whereIn('client_id', referred).select('id', 'status'));
  const earned = new Map<number, { n: number; left: number }>();
  for (const c of asRows(await db(T.commissions).whereIn('agent_id', agents).select('invoice_id', 'status', 'amount_minor', 'adjusted_minor'))) {
    const id = num(c.invoice_id);
    const e = earned.get(id) ?? { n: 0, left: 0 };
    e.n++;
    if (!['voided', 'rejected'].includes(text(c.status))) e.left += num(c.amount_minor) - num(c.adjusted_minor);
    earned.set(id, e);
  }
  const wrong: string[] = [];
  for (const inv of invoices) {
    const status = text(inv.status);
    const e = earned.get(num(inv.id)) ?? { n: 0, left: 0 };
    // A refunded invoice whose payment's hook the kill cut short never earned: none is as right as one taken back.
    const want = status === 'Paid' ? { n: 1, left: COMMISSION } : status === 'Refunded' ? { n: Math.min(e.n, 1), left: 0 } : { n: 0, left: 0 };
    if (e.n !== want.n || e.left !== want.left) wrong.push(`invoice ${num(inv.id)} (${status}): ${e.n} commission(s) leaving ${e.left}`);
  }
  return wrong;
}

/** What each node holds, table by table, to compare nodes with. */
async function checksums(db: Knex): Promise<Record<string, string>> {
  const tables = [T.commissions, T.txns, T.entries, T.balances, T.withdrawals, T.refunds, T.clicks, T.referrals, 'host_invoices', 'host_clients'];
  const out: Record<string, string> = {};
  for (const t of tables) {
    const [rows] = (await db.raw(`CHECKSUM TABLE \`${t}\``)) as [unknown];
    out[t] = String(asRows(rows)[0]?.Checksum);
  }
  return out;
}

async function until(timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}
