import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from '../support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';

/**
 * Cloudpockets affiliates (seeds/002), the classic WHMCS way, in USD: an admin switches the
 * program on for a client; 10 % of every invoice of the clients the link brings, held 30 days;
 * withdrawal on request from USD 50.00, marked paid by an admin; refunds take commission back.
 */
async function cloudpockets(db: Knex, startAt: string): Promise<{ s: Scenario; program: Program }> {
  const s = await new Scenario(db, startAt).start();
  s.defaultCurrency = 'USD';
  return { s, program: await s.program('cloudpockets.json') };
}

onEachDatabase('Cloudpockets affiliates: the classic path', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let affiliate: number;
  let client: number;

  before(async () => {
    ({ s, program } = await cloudpockets(current().db, '2026-01-05T09:00:00Z'));
  });
  verifyAfterEach(() => s);

  it('an admin switches the affiliate program on for a client account, whose referral link then sets a cookie', async () => {
    affiliate = await s.agent(program);
    const agent = (await s.services.agents.get(affiliate))!;
    expect([agent.status, agent.programId]).to.deep.equal(['active', program.id]);
    expect(await s.click(affiliate)).to.match(new RegExp(`^${affiliate}\\.`));
  });

  it('a client who signed up through the link pays USD 300.00: the affiliate earns 10 %, USD 30.00, pending on day 29 and available on day 30', async () => {
    client = await s.referredClient(affiliate);
    expect(await s.agentOf(client)).to.equal(affiliate);
    const invoice = await s.pays(client, [{ amount: 30_000 }]);
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[affiliate, 3_000, 'pending']]);
    await s.daysPass(29);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 3_000, available: 0, reserved: 0, withdrawn: 0 });
    await s.daysPass(1);
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[affiliate, 3_000, 'available']]);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 3_000, reserved: 0, withdrawn: 0 });
  });

  it('USD 30.00 is under the USD 50.00 threshold: a withdrawal request is refused', async () => {
    await expectRuleError(s.withdraw(affiliate, '30.00'), 'amount', /the smallest withdrawal is USD\u00a050\.00/);
    expect(await s.withdrawalsOf(affiliate)).to.deep.equal([]);
  });

  it('the next invoice earns 10 % again, USD 25.00 on USD 250.00; with USD 55.00 available the affiliate requests USD 55.00 (not a cent more), and an admin marks it paid', async () => {
    const invoice = await s.pays(client, [{ amount: 25_000 }]);
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[affiliate, 2_500, 'pending']]);
    await s.daysPass(30);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 5_500, reserved: 0, withdrawn: 0 });
    await expectRuleError(s.withdraw(affiliate, '55.01'), 'amount', /only USD\u00a055\.00 is available/);
    const w = await s.withdraw(affiliate, '55.00');
    expect([w.amount, w.status, w.tax]).to.deep.equal([5_500, 'requested', 0]);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 0, reserved: 5_500, withdrawn: 0 });
    await s.services.withdrawals.markPaid(w.id, 1);
    expect(await s.withdrawalsOf(affiliate)).to.deep.equal([[5_500, 'paid']]);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 5_500 });
  });
});

onEachDatabase('Cloudpockets affiliates: refunds', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    ({ s, program } = await cloudpockets(current().db, '2026-01-05T09:00:00Z'));
  });
  verifyAfterEach(() => s);

  it('a refund of an invoice whose commission is still pending voids it: the USD 20.00 on USD 200.00 never becomes available', async () => {
    const affiliate = await s.agent(program);
    const client = await s.referredClient(affiliate);
    const invoice = await s.pays(client, [{ amount: 20_000 }]);
    await s.daysPass(10);
    await s.refund(invoice.invoiceId);
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[affiliate, 2_000, 'voided']]);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 0 });
    await s.daysPass(30);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 0 });
  });

  it('an invoice paid twice by mistake: both earn USD 30.00, USD 60.00 is withdrawn, then the duplicate is refunded and the available balance goes to USD −30.00, which the next commission (USD 50.00 on USD 500.00) brings back to USD 20.00', async () => {
    const affiliate = await s.agent(program);
    const client = await s.referredClient(affiliate);
    const order = await s.pays(client, [{ amount: 30_000, description: 'order 1001' }]);
    const duplicate = await s.pays(client, [{ amount: 30_000, description: 'order 1001' }]);
    await s.daysPass(30);
    const w = await s.withdraw(affiliate, '60.00');
    await s.services.withdrawals.markPaid(w.id, 1);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 6_000 });

    await s.refund(duplicate.invoiceId);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[affiliate, 3_000, 'available']]);
    expect(await s.commissionsOf(duplicate.invoiceId)).to.deep.equal([[affiliate, 3_000, 'reversed']]);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: -3_000, reserved: 0, withdrawn: 6_000 });
    await expectRuleError(s.withdraw(affiliate, '50.00'), 'amount', /only USD\u00a00\.00 is available/);

    const next = await s.pays(client, [{ amount: 50_000 }]);
    expect(await s.commissionsOf(next.invoiceId)).to.deep.equal([[affiliate, 5_000, 'pending']]);
    await s.daysPass(30);
    expect(await s.balances(affiliate)).to.deep.equal({ pending: 0, available: 2_000, reserved: 0, withdrawn: 6_000 });
  });
});
