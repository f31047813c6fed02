import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { MemoryHost } from './support/memory-host';
import { connect } from '../module/db/connection';
import { createAgentTools, type AgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';
import { RuleError } from '../module/core/errors';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';
import type { Knex } from 'knex';
import { BROWSER } from './support/user-agents';

/**
 * Two app nodes: two module instances, each with its own connection pool to the same database,
 * as two processes behind a load balancer would be. Only MariaDB can prove the locking. SQLite is
 * the single-process embedded default, so there the two instances share the one connection and
 * the same cases show that interleaved deliveries give the same answers.
 */
onEachDatabase('two nodes at once', ({ current }) => {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
  let secondPool: Knex;
  let nodes: AgentTools[];
  let agentId: number;

  before(async function () {
    // Both nodes run every migration against one database at once; the loser waits for the whole
    // set (13 migrations of DDL on MariaDB), which on a busy machine takes longer than a test step.
    this.timeout(120_000);
    secondPool = current().kind === 'mariadb' ? connect(current().url) : current().db;
    const make = (db: Knex) => createAgentTools({ db, host, clock, logger: new MemoryLogger(), secret: 'shared-secret' });
    nodes = [make(current().db), make(secondPool)];
    await Promise.all(nodes.map((n) => n.activate()));
    host.addClient(1);
    host.addClient(2);
    const program = await nodes[0]!.services.programs.bySlug('default');
    agentId = (await nodes[0]!.services.agents.activateForClient(1, program!.id)).id;
    const click = await nodes[0]!.services.tracking.click(String(agentId), { ip: '203.0.113.9', userAgent: BROWSER, referer: '' });
    await nodes[1]!.services.attribution.onClientAdd(2, { [REFERRAL_COOKIE]: click.cookie!.value });
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    if (secondPool !== current().db) await secondPool.destroy();
  });

  it('the same InvoicePaid delivered to both nodes at once makes one set of commissions', async () => {
    for (let i = 0; i < 5; i++) {
      const invoiceId = 100 + i;
      host.addPaidInvoice(invoiceId, 2, [100_000, 50_000, 25_000], clock.now());
      const outcomes = await Promise.all(nodes.map((n) => n.services.earnings.onInvoicePaid(invoiceId)));
      expect(outcomes.map((o) => o.outcome).sort()).to.deep.equal(['created', 'duplicate']);
      const rows = await current().db(T.commissions).where({ invoice_id: invoiceId });
      expect(rows.map((r) => Number(r.amount_minor)).sort((a, b) => a - b)).to.deep.equal([2_500, 5_000, 10_000]);
    }
    const b = await nodes[0]!.services.ledger.balances(agentId, 'USD');
    expect(b.pending).to.equal(5 * 17_500);
  });

  it('the daily cron on both nodes at once releases each commission once', async () => {
    clock.advanceDays(30);
    const released = await Promise.all(nodes.map((n) => n.services.releases.releaseDue()));
    expect(released[0]! + released[1]!).to.equal(15);
    const b = await nodes[0]!.services.ledger.balances(agentId, 'USD');
    expect([b.pending, b.available]).to.deep.equal([0, 87_500]);
  });

  it('eight concurrent requests for the whole balance, on two nodes, make exactly one withdrawal', async () => {
    const agent = (await nodes[0]!.services.agents.get(agentId))!;
    const program = (await nodes[0]!.services.programs.get(agent.programId))!;
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => nodes[i % 2]!.services.withdrawals.request(agent, program, '875.00')));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).to.have.length(1);
    expect(refused).to.have.length(7);
    for (const r of refused) {
      expect(r.reason).to.be.instanceOf(RuleError);
      expect((r.reason as Error).message).to.equal('only USD\u00a00.00 is available');
    }
    expect(await current().db(T.withdrawals)).to.have.length(1);
    const b = await nodes[0]!.services.ledger.balances(agentId, 'USD');
    expect([b.available, b.reserved]).to.deep.equal([0, 87_500]);
    expect((await verifyLedger(current().db)).problems).to.deep.equal([]);
  });
});
