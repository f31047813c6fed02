import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from '../support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';
import { ordersAndPays, visitorSignsUp } from '../support/checkout';

/**
 * Cloudlessons (seeds/003), in RUB, Moscow time: each course its own rate (101 → 30 %,
 * 102 → 35 %, 103 → 40 %), only the customer's first paid order earns, ×110 % from 10 paid orders;
 * the cookie lives 7 days and the last click before the order wins (`attribution_scope: order`:
 * every order here is placed through checkout with the browser's referral cookie, and
 * test/order-attribution.test.ts tells the clicks between sign-up and order); held 30 days, paid
 * out on the 1st and the 15th from RUB 1,000.00; a refund after payout is carried as a negative
 * balance into later commissions; a violation blocks the partner without payout.
 *
 * Payouts are made by the first cron run on a payout day (the 1st to the 7th, the 15th to the
 * 21st, Moscow time), so the blocks move the clock to the days their story needs.
 */
async function cloudlessons(db: Knex, startAt: string): Promise<{ s: Scenario; program: Program }> {
  const s = await new Scenario(db, startAt).start();
  s.defaultCurrency = 'RUB';
  return { s, program: await s.program('cloudlessons.yaml') };
}

const course = (productId: 101 | 102 | 103, amount: number) => ({ amount, productId, description: `course ${productId}` });

/** A visitor who followed the partner's link signs up and at once orders and pays, with the cookie still in the browser. */
async function referredOrder(s: Scenario, partner: number, lines: ReturnType<typeof course>[]): Promise<{ invoiceId: number; client: number; cookie: string }> {
  const { client, cookie } = await visitorSignsUp(s, partner);
  return { ...(await ordersAndPays(s, client, cookie, lines)), client, cookie };
}

onEachDatabase('Cloudlessons partner program: course rates, first order, levels, cookie, last click', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    ({ s, program } = await cloudlessons(current().db, '2026-02-09T09:00:00Z'));
  });
  verifyAfterEach(() => s);

  it('each course earns its own rate on a customer’s first paid order of RUB 10,000.00: course 101 RUB 3,000.00 (30 %), course 102 RUB 3,500.00 (35 %), course 103 RUB 4,000.00 (40 %)', async () => {
    const partner = await s.agent(program);
    const expected: [101 | 102 | 103, number, string][] = [
      [101, 300_000, 'course-python'],
      [102, 350_000, 'course-devops'],
      [103, 400_000, 'course-architecture'],
    ];
    for (const [productId, amount, rule] of expected) {
      const order = await referredOrder(s, partner, [course(productId, 1_000_000)]);
      expect(await s.commissionsOf(order.invoiceId), `course ${productId}`).to.deep.equal([[partner, amount, 'pending']]);
      const [c] = await s.services.commissions.forInvoice(order.invoiceId);
      expect(c!.parts.map((p) => [p.rule, p.bp, p.multiplierBp])).to.deep.equal([[rule, amount / 100, 10_000]]);
    }
    expect((await s.balances(partner)).pending).to.equal(1_050_000);
  });

  it('only the customer’s first paid order earns: RUB 3,000.00 on the first (course 101, RUB 10,000.00), nothing on a second order of course 103 for RUB 20,000.00', async () => {
    const partner = await s.agent(program);
    const first = await referredOrder(s, partner, [course(101, 1_000_000)]);
    // Ordered the same day, with the partner's cookie still in the browser.
    const second = await ordersAndPays(s, first.client, first.cookie, [course(103, 2_000_000)]);
    expect(await s.commissionsOf(first.invoiceId)).to.deep.equal([[partner, 300_000, 'pending']]);
    expect(await s.commissionsOf(second.invoiceId)).to.deep.equal([]);
    expect((await s.services.agents.get(partner))!.paidOrders).to.equal(1);
  });

  it('after 10 paid orders the partner’s level multiplies the course rate by 110 %: ten customers’ first orders of course 101 earn RUB 3,000.00 each, the 11th customer’s earns RUB 3,300.00 (33 % of RUB 10,000.00)', async () => {
    const partner = await s.agent(program);
    for (let n = 1; n <= 10; n++) {
      const order = await referredOrder(s, partner, [course(101, 1_000_000)]);
      expect(await s.commissionsOf(order.invoiceId), `order ${n}`).to.deep.equal([[partner, 300_000, 'pending']]);
    }
    expect((await s.services.agents.get(partner))!.paidOrders).to.equal(10);
    const eleventh = await referredOrder(s, partner, [course(101, 1_000_000)]);
    expect(await s.commissionsOf(eleventh.invoiceId)).to.deep.equal([[partner, 330_000, 'pending']]);
    const [c] = await s.services.commissions.forInvoice(eleventh.invoiceId);
    expect(c!.parts.map((p) => [p.rule, p.bp, p.multiplierBp])).to.deep.equal([['course-python', 3000, 11_000]]);
    expect((await s.balances(partner)).pending).to.equal(3_330_000);
  });

  it('the cookie lives 7 days: a visitor who signs up and orders 8 days after the click is not the partner’s customer and their RUB 10,000.00 order earns nothing; one who does so 7 days after it is, and earns the partner RUB 3,000.00', async () => {
    const partner = await s.agent(program);
    const late = await visitorSignsUp(s, partner, 8);
    expect(await s.agentOf(late.client)).to.equal(null);
    const lateOrder = await ordersAndPays(s, late.client, late.cookie, [course(101, 1_000_000)]);
    expect(await s.commissionsOf(lateOrder.invoiceId)).to.deep.equal([]);

    const inTime = await visitorSignsUp(s, partner, 7);
    expect(await s.agentOf(inTime.client)).to.equal(partner);
    const order = await ordersAndPays(s, inTime.client, inTime.cookie, [course(101, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[partner, 300_000, 'pending']]);
  });

  it('the last click wins: a visitor follows partner A’s link, two days later partner B’s, signs up the next day and orders course 102 for RUB 10,000.00: the customer is B’s, and B earns RUB 3,500.00, A nothing', async () => {
    const a = await s.agent(program);
    const b = await s.agent(program);
    await s.click(a);
    s.clock.advanceDays(2);
    // The browser keeps one referral cookie: B's link replaced A's.
    const cookie = await s.click(b);
    s.clock.advanceDays(1);
    const customer = await s.signsUp(cookie);
    expect(await s.agentOf(customer)).to.equal(b);
    const order = await ordersAndPays(s, customer, cookie, [course(102, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[b, 350_000, 'pending']]);
    expect((await s.balances(a)).pending).to.equal(0);
  });
});

onEachDatabase('Cloudlessons partner program: a partial refund', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    ({ s, program } = await cloudlessons(current().db, '2026-02-09T09:00:00Z'));
  });
  verifyAfterEach(() => s);

  it('a refund of half the invoice (RUB 5,000.00 of RUB 10,000.00) voids half the pending commission: RUB 1,500.00 of RUB 3,000.00 is taken back, RUB 1,500.00 becomes available after 30 days', async () => {
    const partner = await s.agent(program);
    const order = await referredOrder(s, partner, [course(101, 1_000_000)]);
    await s.daysPass(5);
    await s.refund(order.invoiceId, 500_000, 'refund-1');
    const [c] = await s.services.commissions.forInvoice(order.invoiceId);
    expect([c!.amount, c!.adjusted, c!.status]).to.deep.equal([300_000, 150_000, 'pending']);
    expect(await s.balances(partner)).to.deep.equal({ pending: 150_000, available: 0, reserved: 0, withdrawn: 0 });
    await s.daysPass(25); // 11 March: the hold is over, and it is not a payout day
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 150_000, reserved: 0, withdrawn: 0 });
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[partner, 300_000, 'available']]);
  });
});

onEachDatabase('Cloudlessons partner program: paid on the 1st and the 15th, from RUB 1,000.00', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    ({ s, program } = await cloudlessons(current().db, '2026-02-09T09:00:00Z'));
  });
  verifyAfterEach(() => s);

  it('on 15 March the partner with RUB 1,000.00 available (40 % of RUB 2,500.00) is paid it; the one with RUB 999.99 (30 % of RUB 3,333.30) is not, and neither is asked to request it', async () => {
    const enough = await s.agent(program);
    const short = await s.agent(program);
    await referredOrder(s, enough, [course(103, 250_000)]);
    await referredOrder(s, short, [course(101, 333_330)]);
    await s.daysPass(30); // 11 March: released, not a payout day
    expect((await s.balances(enough)).available).to.equal(100_000);
    expect((await s.balances(short)).available).to.equal(99_999);
    await expectRuleError(s.withdraw(enough, '1000.00'), 'amount', /semi-monthly/);
    await s.daysPass(4); // 15 March
    expect(await s.withdrawalsOf(enough)).to.deep.equal([[100_000, 'requested']]);
    expect(await s.withdrawalsOf(short)).to.deep.equal([]);
    expect(await s.balances(short)).to.deep.equal({ pending: 0, available: 99_999, reserved: 0, withdrawn: 0 });
  });
});

onEachDatabase('Cloudlessons partner program: a refund after payout is deducted from later commissions', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let partner: number;
  let refunded: number;

  before(async () => {
    ({ s, program } = await cloudlessons(current().db, '2026-03-09T09:00:00Z'));
    partner = await s.agent(program);
  });
  verifyAfterEach(() => s);

  it('a first order of course 101 for RUB 10,000.00 earns RUB 3,000.00, available after 30 days and paid out on the 15th', async () => {
    refunded = (await referredOrder(s, partner, [course(101, 1_000_000)])).invoiceId;
    await s.daysPass(30); // 8 April
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 300_000, reserved: 0, withdrawn: 0 });
    expect(await s.withdrawalsOf(partner)).to.deep.equal([]);
    await s.daysPass(7); // 15 April, a payout day
    expect(await s.withdrawalsOf(partner)).to.deep.equal([[300_000, 'requested']]);
    const [w] = await s.services.withdrawals.listForAgent(partner);
    await s.services.withdrawals.markPaid(w!.id, 1);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 300_000 });
  });

  it('the order is refunded after the payout: the RUB 3,000.00 is reversed, the available balance shows RUB −3,000.00, and what was paid stays paid', async () => {
    await s.daysPass(1);
    await s.refund(refunded);
    expect(await s.commissionsOf(refunded)).to.deep.equal([[partner, 300_000, 'reversed']]);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: -300_000, reserved: 0, withdrawn: 300_000 });
  });

  it('the next commission is deducted: a new customer’s first order of course 103 for RUB 10,000.00 earns RUB 4,000.00; no payout is made on 1 May while the balance is negative, and once released it brings the balance back up to RUB 1,000.00, paid on 1 June', async () => {
    await s.daysPass(6); // 22 April
    const order = await referredOrder(s, partner, [course(103, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[partner, 400_000, 'pending']]);
    expect(await s.balances(partner)).to.deep.equal({ pending: 400_000, available: -300_000, reserved: 0, withdrawn: 300_000 });
    await s.daysPass(9); // 1 May
    expect(await s.withdrawalsOf(partner)).to.deep.equal([[300_000, 'paid']]);
    await s.daysPass(21); // 22 May
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 100_000, reserved: 0, withdrawn: 300_000 });
    await s.daysPass(10); // 1 June
    expect(await s.withdrawalsOf(partner)).to.deep.equal([
      [300_000, 'paid'],
      [100_000, 'requested'],
    ]);
    const [w] = await s.services.withdrawals.listForAgent(partner);
    await s.services.withdrawals.markPaid(w!.id, 1);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 400_000 });
  });
});

onEachDatabase('Cloudlessons partner program: an order paid twice by mistake', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    ({ s, program } = await cloudlessons(current().db, '2026-03-09T09:00:00Z'));
  });
  verifyAfterEach(() => s);

  it('an order of course 102 paid on two invoices of RUB 10,000.00: the first payment is the customer’s first paid order and earns RUB 3,500.00, the duplicate nothing; the RUB 3,500.00 is paid out and refunding the duplicate afterwards takes nothing back', async () => {
    const partner = await s.agent(program);
    const order = await referredOrder(s, partner, [course(102, 1_000_000)]);
    // The second invoice bills no new order: the host charged the same order again.
    const duplicate = await s.pays(order.client, [course(102, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[partner, 350_000, 'pending']]);
    expect(await s.commissionsOf(duplicate.invoiceId)).to.deep.equal([]);
    await s.daysPass(37); // 15 April
    expect(await s.withdrawalsOf(partner)).to.deep.equal([[350_000, 'requested']]);
    const [w] = await s.services.withdrawals.listForAgent(partner);
    await s.services.withdrawals.markPaid(w!.id, 1);

    await s.daysPass(1);
    await s.refund(duplicate.invoiceId);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[partner, 350_000, 'available']]);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 350_000 });
  });
});

onEachDatabase('Cloudlessons partner program: blocked for self-referral and spam', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let partner: number;
  let waiting: { client: number; cookie: string };
  let availableOrder: number;
  let pendingOrder: number;
  const reason = 'self-referral (ordered through own link from a second account) and spam in the company’s name';

  before(async () => {
    ({ s, program } = await cloudlessons(current().db, '2026-03-09T09:00:00Z'));
    partner = await s.agent(program);
  });
  verifyAfterEach(() => s);

  it('a partner has RUB 3,000.00 paid out, RUB 3,500.00 available and RUB 4,000.00 pending', async () => {
    await referredOrder(s, partner, [course(101, 1_000_000)]); // 9 March
    s.clock.advanceDays(11); // 20 March
    availableOrder = (await referredOrder(s, partner, [course(102, 1_000_000)])).invoiceId;
    await s.daysPass(19); // 8 April: the first is released
    await s.daysPass(7); // 15 April: paid out
    const [w] = await s.services.withdrawals.listForAgent(partner);
    expect([w!.amount, w!.status]).to.deep.equal([300_000, 'requested']);
    await s.services.withdrawals.markPaid(w!.id, 1);
    await s.daysPass(7); // 22 April: the second is released, after the payout days
    pendingOrder = (await referredOrder(s, partner, [course(103, 1_000_000)])).invoiceId;
    waiting = await visitorSignsUp(s, partner);
    expect(await s.balances(partner)).to.deep.equal({ pending: 400_000, available: 350_000, reserved: 0, withdrawn: 300_000 });
  });

  it('blocking the partner forfeits the pending RUB 4,000.00 and the available RUB 3,500.00, with the reason on the partner; the RUB 3,000.00 paid out stays paid', async () => {
    const { forfeited } = await s.services.forfeiture.block(partner, reason, 'admin:1');
    expect(forfeited).to.deep.equal({ RUB: 750_000 });
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 300_000 });
    const agent = (await s.services.agents.get(partner))!;
    expect([agent.status, agent.blockedReason]).to.deep.equal(['blocked', reason]);
    // Released money is forfeited as a balance (some of it may have been paid out already), so a
    // released commission keeps its status; a pending one is forfeited by name.
    expect(await s.commissionsOf(availableOrder)).to.deep.equal([[partner, 350_000, 'available']]);
    expect(await s.commissionsOf(pendingOrder)).to.deep.equal([[partner, 400_000, 'forfeited']]);
  });

  it('a blocked partner earns and is paid nothing more: the link sets no cookie, a customer they referred earlier orders course 101 for RUB 10,000.00 with the partner’s cookie still in the browser and earns them nothing, and the 1 May payout passes them by', async () => {
    const click = await s.services.tracking.click(String(partner), { ip: '203.0.113.1', userAgent: 'scenario', referer: '' });
    expect(click.cookie).to.equal(null);
    const order = await ordersAndPays(s, waiting.client, waiting.cookie, [course(101, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([]);
    await s.daysPass(9); // 1 May
    expect(await s.withdrawalsOf(partner)).to.deep.equal([[300_000, 'paid']]);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 300_000 });
  });
});
