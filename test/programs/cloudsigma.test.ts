import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from '../support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';

/**
 * CloudSigma (seeds/000), in USD: a lifetime share of every paid invoice of a referred customer,
 * at the partner's own rate between 15 % and 25 %; held 30 days; paid once per calendar quarter
 * (Europe/Zurich) from USD 100.00.
 */
async function cloudSigma(db: Knex, startAt: string): Promise<{ s: Scenario; program: Program }> {
  const s = await new Scenario(db, startAt).start();
  s.defaultCurrency = 'USD';
  return { s, program: await s.program('cloudsigma.yaml') };
}

const noTerms = { tier: null, certification: null } as const;

onEachDatabase('CloudSigma partner program: the partner’s own rate, for the customer’s lifetime', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    ({ s, program } = await cloudSigma(current().db, '2026-01-05T09:00:00Z'));
  });
  verifyAfterEach(() => s);

  it('a partner with no rate of their own earns the 15 % minimum: USD 45.00 on USD 300.00', async () => {
    const partner = await s.agent(program);
    const customer = await s.referredClient(partner);
    const invoice = await s.pays(customer, [{ amount: 30_000 }]);
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[partner, 4_500, 'pending']]);
    const [c] = await s.services.commissions.forInvoice(invoice.invoiceId);
    expect(c!.parts.map((p) => [p.kind, p.bp])).to.deep.equal([['agent_rate', 1500]]);
  });

  it('an admin sets a partner’s rate inside 15 %–25 %: 30 % and 10 % are refused with a RuleError and the rate stays 20 %, which earns USD 60.00 on USD 300.00', async () => {
    const partner = await s.agent(program, { ratePercentBp: 2000 });
    await expectRuleError(s.services.agents.setTerms(partner, { ...noTerms, rateBp: 3000 }), 'rate', /15 %.*25 %/);
    await expectRuleError(s.services.agents.setTerms(partner, { ...noTerms, rateBp: 1000 }), 'rate', /15 %.*25 %/);
    expect((await s.services.agents.get(partner))!.rateBp).to.equal(2000);
    const customer = await s.referredClient(partner);
    const invoice = await s.pays(customer, [{ amount: 30_000 }]);
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[partner, 6_000, 'pending']]);
  });

  it('the ends of the range are allowed: a 25 % partner earns USD 75.00 and a 15 % partner USD 45.00 on USD 300.00', async () => {
    const top = await s.agent(program, { ratePercentBp: 2500 });
    const bottom = await s.agent(program, { ratePercentBp: 1500 });
    const a = await s.pays(await s.referredClient(top), [{ amount: 30_000 }]);
    const b = await s.pays(await s.referredClient(bottom), [{ amount: 30_000 }]);
    expect(await s.commissionsOf(a.invoiceId)).to.deep.equal([[top, 7_500, 'pending']]);
    expect(await s.commissionsOf(b.invoiceId)).to.deep.equal([[bottom, 4_500, 'pending']]);
  });

  it('a 20 % partner earns on every paid invoice of the customer for as long as they stay: USD 60.00 on each of three monthly USD 300.00 invoices, and on the one a year later', async () => {
    const partner = await s.agent(program, { ratePercentBp: 2000 });
    const customer = await s.referredClient(partner);
    for (let month = 1; month <= 3; month++) {
      const invoice = await s.pays(customer, [{ amount: 30_000 }]);
      expect(await s.commissionsOf(invoice.invoiceId), `month ${month}`).to.deep.equal([[partner, 6_000, 'pending']]);
      await s.daysPass(31);
    }
    // 8 April, past the quarter's payout days; then a year on.
    await s.daysPass(335);
    const nextYear = await s.pays(customer, [{ amount: 30_000 }]);
    expect(await s.commissionsOf(nextYear.invoiceId)).to.deep.equal([[partner, 6_000, 'pending']]);
    expect(await s.balances(partner)).to.deep.equal({ pending: 6_000, available: 18_000, reserved: 0, withdrawn: 0 });
  });

  it('a new rate applies to later invoices and earlier commissions keep theirs: USD 60.00 at 20 %, then USD 75.00 at 25 %, on USD 300.00 each', async () => {
    const partner = await s.agent(program, { ratePercentBp: 2000 });
    const customer = await s.referredClient(partner);
    const before = await s.pays(customer, [{ amount: 30_000 }]);
    await s.services.agents.setTerms(partner, { ...noTerms, rateBp: 2500 });
    const after = await s.pays(customer, [{ amount: 30_000 }]);
    expect(await s.commissionsOf(before.invoiceId)).to.deep.equal([[partner, 6_000, 'pending']]);
    expect(await s.commissionsOf(after.invoiceId)).to.deep.equal([[partner, 7_500, 'pending']]);
  });

  it('an invoice in EUR earns in USD at the platform rate: 20 % of EUR 300.00 at 1.0845 = USD 325.35, earning USD 65.07', async () => {
    s.host.rates.set('EUR>USD', '1.0845');
    const partner = await s.agent(program, { ratePercentBp: 2000 });
    const customer = await s.referredClient(partner);
    const invoice = await s.pays(customer, [{ amount: 30_000 }], 'EUR');
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[partner, 6_507, 'pending']]);
    const [c] = await s.services.commissions.forInvoice(invoice.invoiceId);
    expect([c!.currency, c!.base]).to.deep.equal(['USD', 32_535]);
    expect(c!.parts[0]).to.deep.equal({ kind: 'fx', rule: 'fx', fx: { from: 'EUR', rate: '1.0845', originalMinor: 30_000 } });
    expect((await s.balances(partner)).pending).to.equal(6_507);
  });

  it('an invoice in a currency the platform has no rate for is recorded as a visible rejected commission, and moves no money', async () => {
    const partner = await s.agent(program, { ratePercentBp: 2000 });
    const customer = await s.referredClient(partner);
    const invoice = await s.pays(customer, [{ amount: 30_000 }], 'GBP');
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[partner, 0, 'rejected']]);
    const [c] = await s.services.commissions.forInvoice(invoice.invoiceId);
    expect([c!.reason, c!.currency, c!.base]).to.deep.equal(['invoice in GBP; the program pays USD and the platform has no GBP→USD rate', 'GBP', 30_000]);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 0 });
    expect(await s.balances(partner, 'GBP')).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 0 });
  });
});

onEachDatabase('CloudSigma partner program: paid once a quarter, from USD 100.00', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let enough: number;
  let short: number;
  let shortCustomer: number;

  before(async () => {
    ({ s, program } = await cloudSigma(current().db, '2026-01-10T09:00:00Z'));
    enough = await s.agent(program, { ratePercentBp: 2000 });
    short = await s.agent(program, { ratePercentBp: 2000 });
  });
  verifyAfterEach(() => s);

  it('after the 30-day hold, one partner has USD 100.00 available (20 % of USD 500.00) and another USD 99.99 (20 % of USD 499.95)', async () => {
    await s.pays(await s.referredClient(enough), [{ amount: 50_000 }]);
    shortCustomer = await s.referredClient(short);
    await s.pays(shortCustomer, [{ amount: 49_995 }]);
    await s.daysPass(31);
    expect(await s.balances(enough)).to.deep.equal({ pending: 0, available: 10_000, reserved: 0, withdrawn: 0 });
    expect(await s.balances(short)).to.deep.equal({ pending: 0, available: 9_999, reserved: 0, withdrawn: 0 });
  });

  it('a partner does not ask for a payout: a withdrawal request is refused, the payout comes each quarter', async () => {
    await expectRuleError(s.withdraw(short, '99.99'), 'amount', /quarterly/);
    await expectRuleError(s.withdraw(enough, '100.00'), 'amount', /quarterly/);
    expect(await s.withdrawalsOf(enough)).to.deep.equal([]);
  });

  it('on the first cron run of the second quarter the partner with USD 100.00 is paid it; the one with USD 99.99, under the USD 100.00 threshold, is not', async () => {
    await s.daysPass(50); // 1 April
    expect(await s.withdrawalsOf(enough)).to.deep.equal([[10_000, 'requested']]);
    expect(await s.withdrawalsOf(short)).to.deep.equal([]);
    const [w] = await s.services.withdrawals.listForAgent(enough);
    await s.services.withdrawals.markPaid(w!.id, 1);
    expect(await s.balances(enough)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 10_000 });
    expect(await s.balances(short)).to.deep.equal({ pending: 0, available: 9_999, reserved: 0, withdrawn: 0 });
  });

  it('the USD 99.99 waits, with what accrues, for the next quarter: USD 60.00 more (20 % of USD 300.00) makes USD 159.99, paid on 1 July', async () => {
    await s.pays(shortCustomer, [{ amount: 30_000 }]);
    await s.daysPass(30); // 1 May: released, but no payout until the quarter ends
    expect(await s.balances(short)).to.deep.equal({ pending: 0, available: 15_999, reserved: 0, withdrawn: 0 });
    expect(await s.withdrawalsOf(short)).to.deep.equal([]);
    await s.daysPass(61); // 1 July
    expect(await s.withdrawalsOf(short)).to.deep.equal([[15_999, 'requested']]);
    expect(await s.withdrawalsOf(enough)).to.deep.equal([[10_000, 'paid']]);
    const [w] = await s.services.withdrawals.listForAgent(short);
    await s.services.withdrawals.markPaid(w!.id, 1);
    expect(await s.balances(short)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 15_999 });
  });
});
