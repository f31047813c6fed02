import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { Scenario, verifyAfterEach } from './support/scenario';
import type { Program } from '../module/programs/program-service';
import { Ledger } from '../module/ledger/ledger';
import { WithdrawalService } from '../module/withdrawals/withdrawal-service';
import { MemoryLogger } from '../module/core/logger';
import { dailyCronJob } from '../hooks/daily-cron-job';
import { T } from '../module/db/tables';

/** A ledger on a node that dies while reserving the second payout of a run, after the first committed. */
class DiesAtSecondPayout extends Ledger {
  payouts = 0;
  override async post(trx: Knex.Transaction, input: Parameters<Ledger['post']>[1]): Promise<number> {
    if (input.kind === 'reserve' && ++this.payouts > 1) throw new Error('the node died');
    return super.post(trx, input);
  }
}

const cron = (s: Scenario) => dailyCronJob({ logger: new MemoryLogger(), state: { active: true } }, s.services.releases, s.services.withdrawals)({});

onEachDatabase('CloudSigma: a quarterly payout run that dies half-way is finished by the next one', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    s = await new Scenario(current().db, '2026-01-10T09:00:00Z').start();
    program = await s.program('cloudsigma.yaml');
  });
  verifyAfterEach(() => s);

  it('three partners with USD 100.00, USD 120.00 and USD 200.00: the run on 1 April dies after paying the first; the run on 2 April pays the other two, nobody twice', async () => {
    const a = await s.agent(program, { ratePercentBp: 2000 });
    const b = await s.agent(program, { ratePercentBp: 2000 });
    const c = await s.agent(program, { ratePercentBp: 2500 });
    const partners: [number, number][] = [
      [a, 50_000], // 20 % of USD 500.00 = USD 100.00
      [b, 60_000], // 20 % of USD 600.00 = USD 120.00
      [c, 80_000], // 25 % of USD 800.00 = USD 200.00
    ];
    for (const [partner, amount] of partners) await s.pays(await s.referredClient(partner), [{ amount }]);
    s.clock.set('2026-03-01T09:00:00Z');
    await s.services.releases.releaseDue();

    s.clock.set('2026-04-01T07:00:00Z');
    const dying = new WithdrawalService(s.db, new DiesAtSecondPayout(s.db, s.clock), s.services.programs, s.services.agents, s.clock);
    let died: unknown = null;
    await dying.runScheduledPayouts().catch((e: unknown) => (died = e));
    expect(String(died)).to.contain('the node died');
    expect([await s.withdrawalsOf(a), await s.withdrawalsOf(b), await s.withdrawalsOf(c)]).to.deep.equal([[[10_000, 'requested']], [], []]);

    s.clock.set('2026-04-02T07:00:00Z');
    await cron(s);
    await cron(s); // and once more the same day: nothing new
    expect([await s.withdrawalsOf(a), await s.withdrawalsOf(b), await s.withdrawalsOf(c)]).to.deep.equal([[[10_000, 'requested']], [[12_000, 'requested']], [[20_000, 'requested']]]);
    expect(await s.balances(b)).to.deep.equal({ pending: 0, available: 0, reserved: 12_000, withdrawn: 0 });
    expect(await s.balances(c)).to.deep.equal({ pending: 0, available: 0, reserved: 20_000, withdrawn: 0 });
    const steps = await s.db(T.payoutSteps).where({ program_id: program.id, period: '2026-Q2' }).orderBy('agent_id');
    expect(steps.map((r) => [Number(r.agent_id), String(r.outcome)])).to.deep.equal([
      [a, 'paid'],
      [b, 'paid'],
      [c, 'paid'],
    ]);
    expect(await s.db(T.payoutRuns).where({ program_id: program.id, period: '2026-Q2' })).to.have.length(1);
  });

  it('a partner whose money is released after the period was completed waits for the next quarter: USD 150.00 on 3 April is not paid on 4 April', async () => {
    const late = await s.agent(program, { ratePercentBp: 2000 });
    s.clock.set('2026-03-03T09:00:00Z');
    await s.pays(await s.referredClient(late), [{ amount: 75_000 }]);
    s.clock.set('2026-04-04T07:00:00Z');
    await cron(s);
    expect(await s.balances(late)).to.deep.equal({ pending: 0, available: 15_000, reserved: 0, withdrawn: 0 });
    expect(await s.withdrawalsOf(late)).to.deep.equal([]);
  });
});
