import { expect } from 'chai';
import { onEachDatabase } from '../support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';

/**
 * CloudCodes partner levels (seeds/001), in USD: a Reseller earns a 15 % margin and a Premier
 * partner 30 %, on every invoice of the customers they bring; an admin moves a partner between
 * the levels; registered deals are the partner's by assignment; held 30 days, withdrawn on
 * request from USD 50.00.
 */
onEachDatabase('CloudCodes partner levels', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    s = await new Scenario(current().db, '2026-01-05T09:00:00Z').start();
    s.defaultCurrency = 'USD';
    program = await s.program('cloudcodes.json');
  });
  verifyAfterEach(() => s);

  it('a new partner is a Reseller, and earns a 15 % margin on every paid invoice of their customer: USD 150.00 on USD 1,000.00, and again on the renewal', async () => {
    const reseller = await s.agent(program);
    expect((await s.services.agents.get(reseller))!.tier).to.equal('reseller');
    const customer = await s.referredClient(reseller);
    const order = await s.pays(customer, [{ amount: 100_000 }]);
    const renewal = await s.pays(customer, [{ amount: 100_000 }]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[reseller, 15_000, 'pending']]);
    expect(await s.commissionsOf(renewal.invoiceId)).to.deep.equal([[reseller, 15_000, 'pending']]);
    const [c] = await s.services.commissions.forInvoice(order.invoiceId);
    expect([c!.tier, c!.parts[0]!.rule, c!.parts[0]!.bp]).to.deep.equal(['reseller', 'reseller-margin', 1500]);
  });

  it('a Premier partner earns a 30 % margin: USD 300.00 on USD 1,000.00', async () => {
    const premier = await s.agent(program, { tier: 'premier' });
    const customer = await s.referredClient(premier);
    const order = await s.pays(customer, [{ amount: 100_000 }]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[premier, 30_000, 'pending']]);
    const [c] = await s.services.commissions.forInvoice(order.invoiceId);
    expect([c!.tier, c!.parts[0]!.rule, c!.parts[0]!.bp]).to.deep.equal(['premier', 'premier-margin', 3000]);
  });

  it('a Reseller moved to Premier earns 30 % on later invoices (USD 300.00 on USD 1,000.00), while the USD 150.00 earned as a Reseller stays as it was', async () => {
    const partner = await s.agent(program);
    const customer = await s.referredClient(partner);
    const asReseller = await s.pays(customer, [{ amount: 100_000 }]);
    await s.services.agents.setTerms(partner, { tier: 'premier', rateBp: null, certification: null });
    const asPremier = await s.pays(customer, [{ amount: 100_000 }]);
    expect(await s.commissionsOf(asReseller.invoiceId)).to.deep.equal([[partner, 15_000, 'pending']]);
    expect(await s.commissionsOf(asPremier.invoiceId)).to.deep.equal([[partner, 30_000, 'pending']]);
    const [[before], [after]] = await Promise.all([s.services.commissions.forInvoice(asReseller.invoiceId), s.services.commissions.forInvoice(asPremier.invoiceId)]);
    expect([before!.tier, after!.tier]).to.deep.equal(['reseller', 'premier']);
    expect((await s.balances(partner)).pending).to.equal(45_000);
  });

  it('there are two levels only: moving a partner to "gold" is refused with a RuleError', async () => {
    const partner = await s.agent(program);
    await expectRuleError(s.services.agents.setTerms(partner, { tier: 'gold', rateBp: null, certification: null }), 'tier');
    expect((await s.services.agents.get(partner))!.tier).to.equal('reseller');
  });

  it('a registered deal: an admin assigns the customer whose domain the partner registered, and the customer’s direct order, with no referral link, earns the Reseller 15 %: USD 75.00 on USD 500.00', async () => {
    const partner = await s.agent(program);
    const customer = await s.signsUp();
    expect(await s.agentOf(customer)).to.equal(null);
    await s.services.assignments.assign(customer, partner, 'admin:1', 'deal registration: example-school.in');
    const order = await s.pays(customer, [{ amount: 50_000 }]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[partner, 7_500, 'pending']]);
  });

  it('after the 30-day hold a Premier partner withdraws on request: USD 49.99 is refused under the USD 50.00 minimum, USD 300.00 is reserved and then paid', async () => {
    const premier = await s.agent(program, { tier: 'premier' });
    await s.pays(await s.referredClient(premier), [{ amount: 100_000 }]);
    await s.daysPass(29);
    expect(await s.balances(premier)).to.deep.equal({ pending: 30_000, available: 0, reserved: 0, withdrawn: 0 });
    await s.daysPass(1);
    expect(await s.balances(premier)).to.deep.equal({ pending: 0, available: 30_000, reserved: 0, withdrawn: 0 });
    await expectRuleError(s.withdraw(premier, '49.99'), 'amount', /USD\u00a050\.00/);
    const w = await s.withdraw(premier, '300.00');
    expect(await s.balances(premier)).to.deep.equal({ pending: 0, available: 0, reserved: 30_000, withdrawn: 0 });
    await s.services.withdrawals.markPaid(w.id, 1);
    expect(await s.balances(premier)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 30_000 });
  });
});
