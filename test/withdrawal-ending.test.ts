import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario, expectRuleError } from './support/scenario';
import { T } from '../module/db/tables';
import { RuleError } from '../module/core/errors';
import type { Program } from '../module/programs/program-service';
import { connect } from '../module/db/connection';
import { Ledger } from '../module/ledger/ledger';
import { WithdrawalService } from '../module/withdrawals/withdrawal-service';
import { WithdrawalEnding } from '../module/withdrawals/withdrawal-ending';
import { renderEmail } from '../module/notifications/email-template';
import { MemoryLogger } from '../module/core/logger';

/**
 * CloudPockets pays 10 % for life, held 30 days, withdrawals from USD 50.00. Each agent here sold
 * USD 1,000.00 and has USD 100.00 available before asking.
 */
onEachDatabase('withdrawal requests rejected or cancelled', ({ current }) => {
  let s: Scenario;
  let program: Program;
  const ADMIN = 3;

  before(async () => {
    s = await new Scenario(current().db, '2026-02-02T09:00:00Z').start();
    program = await s.program('cloudpockets.json');
  });
  afterEach(async () => s.mustVerify());
  after(async () => {
    await s.mustVerify();
    await s.stop();
  });

  /** A new agent with USD 100.00 available. */
  async function agentWith100(): Promise<number> {
    const agentId = await s.agent(program);
    // Assigned by an admin rather than through a click: the sale is what matters here.
    const clientId = await s.signsUp();
    await s.services.assignments.assign(clientId, agentId, 'admin', 'test');
    await s.pays(clientId, [{ amount: 100_000 }]);
    await s.daysPass(31);
    expect(await s.balances(agentId)).to.deep.include({ available: 10_000, reserved: 0 });
    return agentId;
  }

  const usd = (amount: string) => `USD\u00a0${amount}`;
  const returns = async (withdrawalId: number) => s.db(T.txns).where({ withdrawal_id: withdrawalId, kind: 'return' });

  it('an admin rejects a request of USD 60.00 with a reason: the money is back in available, the agent is e-mailed', async () => {
    const agentId = await agentWith100();
    const w = await s.withdraw(agentId, '60.00');
    expect(await s.balances(agentId)).to.deep.include({ available: 4_000, reserved: 6_000 });
    const mails = s.host.emails.length;

    const ended = await s.services.withdrawalEnding.reject(w.id, ADMIN, '  Your bank details are missing.  ');
    expect(ended).to.deep.include({ id: w.id, status: 'rejected', reason: 'Your bank details are missing.', amount: 6_000 });
    expect(await s.balances(agentId)).to.deep.include({ available: 10_000, reserved: 0, withdrawn: 0 });
    const row = await s.db(T.withdrawals).where({ id: w.id }).first();
    expect([Number(row.ended_at), Number(row.ended_by_admin), row.paid_at]).to.deep.equal([s.clock.now(), ADMIN, null]);
    const txns = await returns(w.id);
    expect(txns.map((x) => x.idem_key)).to.deep.equal([`return:${w.id}`]);
    const entries = await s.db(T.entries).where({ txn_id: txns[0].id }).orderBy('id');
    expect(entries.map((e) => [e.account, Number(e.amount_minor)])).to.deep.equal([
      ['reserved', -6_000],
      ['available', 6_000],
    ]);

    const mail = s.host.emails.slice(mails);
    expect(mail).to.have.length(1);
    const agent = (await s.services.agents.get(agentId))!;
    expect(mail[0]!.to).to.equal(`client${agent.clientId}@example.com`);
    expect(mail[0]!.subject).to.equal(`Your withdrawal of ${usd('60.00')} was rejected`);
    expect(mail[0]!.text).to.contain(
      `Your withdrawal request #${w.id} of ${usd('60.00')} was rejected, and the money is back in your available balance. The reason given: Your bank details are missing.`,
    );
  });

  it('an admin cancels a request; the same money may then be asked for again', async () => {
    const agentId = await agentWith100();
    const w = await s.withdraw(agentId, '100.00');
    const ended = await s.services.withdrawalEnding.cancel(w.id, ADMIN, 'Asked twice by mistake');
    expect(ended.status).to.equal('cancelled');
    expect(s.host.emails.at(-1)!.subject).to.equal(`Your withdrawal request of ${usd('100.00')} was cancelled`);
    expect(await s.balances(agentId)).to.deep.include({ available: 10_000, reserved: 0 });
    const again = await s.withdraw(agentId, '100.00');
    expect(await s.balances(agentId)).to.deep.include({ available: 0, reserved: 10_000 });
    await s.services.withdrawals.markPaid(again.id, ADMIN);
  });

  it('refuses a reason missing or longer than 255 characters, and a request that does not exist', async () => {
    const agentId = await agentWith100();
    const w = await s.withdraw(agentId, '50.00');
    await expectRuleError(s.services.withdrawalEnding.reject(w.id, ADMIN, '   '), 'reason', /Give a reason/);
    await expectRuleError(s.services.withdrawalEnding.cancel(w.id, ADMIN, 'x'.repeat(256)), 'reason', /at most 255/);
    await expectRuleError(s.services.withdrawalEnding.reject(999_999, ADMIN, 'no such'), 'withdrawal_id', /no such withdrawal/);
    expect((await s.services.withdrawals.get(w.id))!.status).to.equal('requested');
    expect(await s.balances(agentId)).to.deep.include({ available: 5_000, reserved: 5_000 });
    expect(await returns(w.id)).to.deep.equal([]);
    await s.services.withdrawalEnding.reject(w.id, ADMIN, 'x'.repeat(255));
  });

  it('refuses ending a paid, rejected or cancelled request: nothing moves', async () => {
    const agentId = await agentWith100();
    const paid = await s.withdraw(agentId, '50.00');
    await s.services.withdrawals.markPaid(paid.id, ADMIN);
    await expectRuleError(s.services.withdrawalEnding.reject(paid.id, ADMIN, 'too late'), 'withdrawal_id', /it is paid/);
    await expectRuleError(s.services.withdrawalEnding.cancel(paid.id, ADMIN, 'too late'), 'withdrawal_id', /it is paid/);
    await expectRuleError(s.services.withdrawalEnding.cancelOwn(agentId, paid.id), 'withdrawal_id', /it is paid/);
    const rejected = await s.withdraw(agentId, '50.00');
    await s.services.withdrawalEnding.reject(rejected.id, ADMIN, 'first');
    await expectRuleError(s.services.withdrawalEnding.reject(rejected.id, ADMIN, 'second'), 'withdrawal_id', /it is rejected/);
    await expectRuleError(s.services.withdrawalEnding.cancel(rejected.id, ADMIN, 'second'), 'withdrawal_id', /it is rejected/);
    await expectRuleError(s.services.withdrawals.markPaid(rejected.id, ADMIN));
    expect(await s.balances(agentId)).to.deep.include({ available: 5_000, reserved: 0, withdrawn: 5_000 });
    expect((await returns(rejected.id)).length).to.equal(1);
    expect((await s.services.withdrawals.get(rejected.id))!.reason).to.equal('first');
  });

  it('the agent cancels their own request while it is requested, not another agent’s, not once it is in a batch', async () => {
    const agentId = await agentWith100();
    const other = await agentWith100();
    const w = await s.withdraw(agentId, '70.00');
    const mails = s.host.emails.length;
    await expectRuleError(s.services.withdrawalEnding.cancelOwn(other, w.id), 'withdrawal_id', /no such withdrawal/);
    const ended = await s.services.withdrawalEnding.cancelOwn(agentId, w.id);
    expect(ended).to.deep.include({ status: 'cancelled', reason: null });
    expect(s.host.emails.length, 'no e-mail about what the agent did themself').to.equal(mails);
    expect(await s.balances(agentId)).to.deep.include({ available: 10_000, reserved: 0 });
    expect((await s.db(T.withdrawals).where({ id: w.id }).first()).ended_by_admin).to.equal(null);

    // A batch (module/payouts/batches) holds it: the money stays reserved, the agent is refused.
    const held = await s.withdraw(agentId, '80.00');
    await s.db(T.withdrawals).where({ id: held.id }).update({ status: 'in_batch' });
    await expectRuleError(s.services.withdrawalEnding.cancelOwn(agentId, held.id), 'withdrawal_id', /already in a payout batch/);
    await expectRuleError(s.services.withdrawalEnding.reject(held.id, ADMIN, 'no'), 'withdrawal_id', /already in a payout batch/);
    expect(await s.balances(agentId)).to.deep.include({ available: 2_000, reserved: 8_000 });
    await s.db(T.withdrawals).where({ id: held.id }).update({ status: 'requested' });
    await s.services.withdrawalEnding.cancelOwn(agentId, held.id);
    expect(await s.balances(agentId)).to.deep.include({ available: 10_000, reserved: 0 });
  });

  it('two admins reject the same request at once: one wins, the money comes back once', async function () {
    // Two pools on one SQLite file wait on each other's write lock: slow on a busy machine, not stuck.
    this.timeout(120_000);
    const agentId = await agentWith100();
    // A second app node: its own connection pool, ledger and services on the same database.
    const db2 = connect(current().url);
    const secondNode = new WithdrawalEnding({
      db: db2,
      ledger: new Ledger(db2, s.clock),
      withdrawals: new WithdrawalService(db2, new Ledger(db2, s.clock), s.services.programs, s.services.agents, s.clock),
      agents: s.services.agents,
      host: s.host,
      render: (template, data) => renderEmail(template, 'english', data),
      clock: s.clock,
      logger: new MemoryLogger(),
    });
    for (let round = 0; round < 5; round++) {
      const w = await s.withdraw(agentId, '90.00');
      const results = await Promise.allSettled([
        s.services.withdrawalEnding.reject(w.id, 1, 'admin one'),
        secondNode.reject(w.id, 2, 'admin two'),
        s.services.withdrawalEnding.cancel(w.id, 3, 'admin three'),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won, `round ${round}`).to.have.length(1);
      for (const l of lost) expect(l.reason).to.be.instanceOf(RuleError);
      expect((await returns(w.id)).length).to.equal(1);
      expect(await s.balances(agentId)).to.deep.include({ available: 10_000, reserved: 0 });
      await s.mustVerify();
    }
    await db2.destroy();
  });
});
