import { expect } from 'chai';
import { payoutPeriod } from '../module/withdrawals/payout-schedule';
import { onEachDatabase } from './support/databases';
import { Scenario } from './support/scenario';
import { T } from '../module/db/tables';
import { RuleError } from '../module/core/errors';

describe('payout periods', () => {
  const at = (iso: string) => Date.parse(iso);
  it('quarterly by calendar quarter, in the program zone', () => {
    expect(payoutPeriod('quarterly', at('2026-03-31T22:30:00Z'), 'Europe/Zurich')).to.equal('2026-Q2');
    expect(payoutPeriod('quarterly', at('2026-03-31T22:30:00Z'), 'UTC')).to.equal('2026-Q1');
  });
  it('semi-monthly on the 1st and the 15th', () => {
    expect(payoutPeriod('semi_monthly', at('2026-05-14T20:59:00Z'), 'Europe/Moscow')).to.equal('2026-05-01');
    expect(payoutPeriod('semi_monthly', at('2026-05-14T21:00:00Z'), 'Europe/Moscow')).to.equal('2026-05-15');
  });
  it('none for programs paid on request', () => {
    expect(payoutPeriod('on_request', Date.now(), 'UTC')).to.equal(null);
  });
});

onEachDatabase('scheduled payouts', ({ current }) => {
  it('CloudSigma pays the whole available balance once per quarter, from USD 100.00, on the first cron run of the quarter', async () => {
    const s = await new Scenario(current().db, '2026-01-10T09:00:00Z').start();
    const program = await s.program('cloudsigma.yaml');
    const rich = await s.agent(program, { ratePercentBp: 2000 });
    const small = await s.agent(program);
    await s.pays(await s.referredClient(rich), [{ amount: 60_000 }]);
    await s.pays(await s.referredClient(small), [{ amount: 60_000 }]);
    await s.daysPass(31);
    expect((await s.balances(rich)).available).to.equal(12_000);
    expect((await s.balances(small)).available).to.equal(9_000);

    const asked = s.services.withdrawals.request((await s.services.agents.get(rich))!, program, '120.00');
    await asked.then(
      () => expect.fail('a quarterly program takes no requests'),
      (e) => expect(e).to.be.instanceOf(RuleError),
    );

    s.clock.set('2026-03-31T22:05:00Z'); // 00:05 on 1 April in Zurich
    await s.fire('DailyCronJob', {});
    const payouts = await current().db(T.withdrawals).orderBy('id');
    expect(payouts.map((w) => [Number(w.agent_id), Number(w.amount_minor), w.status, w.period])).to.deep.equal([[rich, 12_000, 'requested', '2026-Q2']]);
    expect(await s.balances(rich)).to.deep.include({ available: 0, reserved: 12_000 });
    expect((await s.balances(small)).available).to.equal(9_000);

    await s.daysPass(1);
    expect(await current().db(T.withdrawals)).to.have.length(1);
    await s.mustVerify();
    await s.stop();
  });
});
