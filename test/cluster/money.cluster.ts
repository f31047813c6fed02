import { expect } from 'chai';
import { RuleError } from '../../module/core/errors';
import { T } from '../../module/db/tables';
import { verifyLedger } from '../../module/ledger/verify';
import { connect } from '../../module/db/connection';
import { clusterContext } from './context';
import { COMMISSION, makeAgent, order, signUp, startWorld, type World } from './world';

/**
 * Exactly-once on a three-node Galera cluster: the same work sent to the three nodes at once.
 * A row lock holds only on its own node there; what decides is the unique keys and the balance
 * rows, whose writes conflict at commit (1213) and are retried from the start.
 */
describe('money on three database nodes at once', function () {
  let w: World;
  let agentId: number;
  let clientId: number;

  before(async () => {
    w = await startWorld('2026-01-05T10:00:00Z');
    const [h0] = w.hosts;
    if (!h0) throw new Error('no host');
    agentId = await makeAgent(h0, 'agent');
    clientId = await signUp(h0, agentId, 'client');
  });
  after(() => w.stop());

  it('the same InvoicePaid delivered to all three nodes, for 100 invoices, makes one set of commissions each', async () => {
    const invoices: number[] = [];
    for (let i = 0; i < 100; i++) invoices.push(await order(w.hosts[i % 3]!, clientId, w.productId));
    const db = w.pools[0]!;
    await db('host_invoices').whereIn('id', invoices).update({ status: 'Paid', date_paid: w.clock.now() });
    // Ten invoices at a time, each delivered to the three nodes at the same moment.
    for (let i = 0; i < invoices.length; i += 10) {
      await Promise.all(invoices.slice(i, i + 10).flatMap((invoiceid) => w.hosts.map((h) => h.hooks.run('InvoicePaid', { invoiceid }))));
    }
    const rows: { invoice_id: unknown; n: unknown; s: unknown }[] = await db(T.commissions)
      .whereIn('invoice_id', invoices)
      .groupBy('invoice_id')
      .select('invoice_id')
      .count({ n: '*' })
      .sum({ s: 'amount_minor' });
    // One line of USD 200.00 per invoice, 10 %: one commission of USD 20.00 each, 100 in all.
    expect(rows).to.have.length(100);
    expect(rows.filter((r) => Number(r.n) !== 1 || Number(r.s) !== COMMISSION)).to.deep.equal([]);
    const b = await w.hosts[1]!.agentTools.services.ledger.balances(agentId, 'USD');
    expect(b.pending).to.equal(100 * COMMISSION);
  });

  it('the daily cron fired on all three nodes at once for 30 days does each day once', async () => {
    const ran: number[] = [];
    for (let day = 0; day < 30; day++) {
      w.clock.advanceDays(1);
      const results = await Promise.all(w.hosts.map((h) => h.billing.runDailyCron()));
      ran.push(results.filter(Boolean).length);
    }
    expect(ran).to.deep.equal(Array.from({ length: 30 }, () => 1));
    // The 100 commissions of 5 January end their 30-day hold on 4 February (day 30): each released
    // once, whichever node's cron did it.
    const db = w.pools[2]!;
    const releases = await db(T.txns)
      .join(T.commissions, `${T.commissions}.id`, `${T.txns}.commission_id`)
      .where(`${T.commissions}.agent_id`, agentId)
      .where(`${T.txns}.kind`, 'release')
      .count({ n: '*' })
      .first();
    expect(Number(releases?.n)).to.equal(100);
    const b = await w.hosts[2]!.agentTools.services.ledger.balances(agentId, 'USD');
    expect([b.pending, b.available]).to.deep.equal([0, 100 * COMMISSION]);
  });

  it('100 concurrent requests for the whole balance over the three nodes make exactly one withdrawal', async () => {
    const services = w.hosts.map((h) => h.agentTools.services);
    const agent = await services[0]!.agents.get(agentId);
    const program = agent ? await services[0]!.programs.get(agent.programId) : null;
    if (!agent || !program) throw new Error('no agent or program');
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => services[i % 3]!.withdrawals.request(agent, program, '2000.00')));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    console.log(`      withdrawals: ${ok.length} made, ${refused.length} refused`);
    expect(refused.filter((r) => !(r.reason instanceof RuleError)).map((r) => String(r.reason))).to.deep.equal([]);
    expect(ok).to.have.length(1);
    for (let i = 0; i < 3; i++) {
      const db = connect(clusterContext().databaseUrl(i));
      try {
        expect(await db(T.withdrawals).where({ agent_id: agentId })).to.have.length(1);
        expect((await verifyLedger(db)).problems).to.deep.equal([]);
      } finally {
        await db.destroy();
      }
    }
    const b = await services[1]!.ledger.balances(agentId, 'USD');
    expect([b.available, b.reserved]).to.deep.equal([0, 200_000]);
  });
});
