import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { Scenario, verifyAfterEach } from './support/scenario';
import { ordersAndPays, visitorSignsUp } from './support/checkout';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { T, MIGRATIONS_TABLE } from '../module/db/tables';
import { parseDefinition, DefinitionError } from '../module/programs/definition';
import type { Program } from '../module/programs/program-service';
import { migrationSource } from '../module/db/migrations';

/**
 * Attribution per order (`attribution_scope: order`). Cloudlessons (seeds/003) pays the partner
 * whose link the customer followed last before ordering, within 7 days of the order, on the
 * customer's first paid order only: 101 → 30 %, 102 → 35 %, 103 → 40 %, in RUB. Cloudpockets
 * (seeds/002) attributes the client at sign-up, for life: 10 % of every invoice, in USD.
 */
const course = (productId: 101 | 102 | 103, amount: number) => ({ amount, productId, description: `course ${productId}` });

async function started(db: Knex, currency: string): Promise<Scenario> {
  const s = await new Scenario(db, '2026-02-09T09:00:00Z').start();
  s.defaultCurrency = currency;
  return s;
}

onEachDatabase('Cloudlessons: the last click before the order wins, not the sign-up', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    s = await started(current().db, 'RUB');
    program = await s.program('cloudlessons.yaml');
  });
  verifyAfterEach(() => s);

  it('a visitor signs up after partner X’s link, follows partner Y’s link 2 days later and orders course 102 for RUB 10,000.00: Y earns RUB 3,500.00 (35 %), X nothing, and the order keeps Y’s click', async () => {
    const x = await s.agent(program);
    const y = await s.agent(program);
    const { client } = await visitorSignsUp(s, x);
    expect(await s.agentOf(client)).to.equal(x);
    s.clock.advanceDays(2);
    const yClickedAt = s.clock.now();
    const cookie = await s.click(y);
    const order = await ordersAndPays(s, client, cookie, [course(102, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[y, 350_000, 'pending']]);
    expect((await s.balances(x)).pending).to.equal(0);
    const rows = await s.db(T.orderClicks).where({ order_id: order.orderId });
    expect(rows.map((r) => [Number(r.invoice_id), Number(r.client_id), Number(r.agent_id), Number(r.clicked_at), Number(r.program_id)])).to.deep.equal([
      [order.invoiceId, client, y, yClickedAt, program.id],
    ]);
    expect((await s.services.agents.get(y))!.paidOrders).to.equal(1);
    expect((await s.services.agents.get(x))!.paidOrders).to.equal(0);
  });

  it('a visitor signs up through partner X’s link on day 0 and orders course 101 for RUB 10,000.00 on day 8 with no new click: the cookie is past its 7 days and nobody earns', async () => {
    const x = await s.agent(program);
    const { client, cookie } = await visitorSignsUp(s, x);
    s.clock.advanceDays(8);
    const order = await ordersAndPays(s, client, cookie, [course(101, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([]);
    expect(await s.db(T.orderClicks).where({ order_id: order.orderId })).to.deep.equal([]);
  });

  it('a visitor follows partner X’s link on day 0, signs up, and orders course 103 for RUB 5,000.00 on day 6: X earns RUB 2,000.00 (40 %); the same customer’s second paid order, course 101 for RUB 10,000.00 after partner Y’s link, earns nobody anything', async () => {
    const x = await s.agent(program);
    const y = await s.agent(program);
    const { client, cookie } = await visitorSignsUp(s, x);
    s.clock.advanceDays(6);
    const first = await ordersAndPays(s, client, cookie, [course(103, 500_000)]);
    expect(await s.commissionsOf(first.invoiceId)).to.deep.equal([[x, 200_000, 'pending']]);
    const second = await ordersAndPays(s, client, await s.click(y), [course(101, 1_000_000)]);
    expect(await s.commissionsOf(second.invoiceId)).to.deep.equal([]);
    expect((await s.balances(x)).pending).to.equal(200_000);
    expect((await s.balances(y)).pending).to.equal(0);
    expect((await s.services.agents.get(y))!.paidOrders).to.equal(0);
  });

  it('a customer whose first paid order (course 101, RUB 10,000.00) came with no click is not new when they follow partner X’s link and order course 102 two days later: nobody earns on either', async () => {
    const x = await s.agent(program);
    const client = await s.signsUp();
    const first = await ordersAndPays(s, client, null, [course(101, 1_000_000)]);
    s.clock.advanceDays(2);
    const second = await ordersAndPays(s, client, await s.click(x), [course(102, 1_000_000)]);
    expect(await s.commissionsOf(first.invoiceId)).to.deep.equal([]);
    expect(await s.commissionsOf(second.invoiceId)).to.deep.equal([]);
  });

  it('an admin’s assignment of the client holds whatever the scope: a client the admin gave partner X orders course 101 for RUB 10,000.00 after partner Y’s link, and X earns RUB 3,000.00 (30 %)', async () => {
    const x = await s.agent(program);
    const y = await s.agent(program);
    const client = await s.signsUp();
    await s.services.assignments.assign(client, x, 'admin:1', 'a partner’s customer by contract');
    const order = await ordersAndPays(s, client, await s.click(y), [course(101, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[x, 300_000, 'pending']]);
  });

  it('an admin’s override of the order comes first: an order of course 102 for RUB 10,000.00 placed after partner Y’s link, overridden to partner X before it is paid, earns X RUB 3,500.00 and Y nothing', async () => {
    const x = await s.agent(program);
    const y = await s.agent(program);
    const client = await s.signsUp();
    const invoice = s.unpaid(client, [course(102, 1_000_000)]);
    const orderId = invoice.invoiceId;
    s.host.orders.set(orderId, { id: orderId, client_id: client, invoice_id: invoice.invoiceId, product_id: 102, domain: null, created_at: s.clock.now() });
    await s.fire('AfterShoppingCartCheckout', { OrderID: orderId, InvoiceID: invoice.invoiceId, ClientID: client }, { request: { cookies: { [REFERRAL_COOKIE]: await s.click(y) } } });
    await s.services.orderOverrides.set(orderId, x, 'admin:1', 'X closed the deal by phone');
    await invoice.pay();
    expect(await s.commissionsOf(invoice.invoiceId)).to.deep.equal([[x, 350_000, 'pending']]);
  });
  it('an existing customer (first paid order, course 101 for RUB 10,000.00, with no partner) whom an admin then gives partner X earns X nothing on the next order of course 102 for RUB 10,000.00: only a first paid order earns, whatever made the claim', async () => {
    const x = await s.agent(program);
    const client = await s.signsUp();
    const first = await ordersAndPays(s, client, null, [course(101, 1_000_000)]);
    await s.services.assignments.assign(client, x, 'admin:1', 'a partner’s customer by contract');
    const second = await ordersAndPays(s, client, null, [course(102, 1_000_000)]);
    expect(await s.commissionsOf(first.invoiceId)).to.deep.equal([]);
    expect(await s.commissionsOf(second.invoiceId)).to.deep.equal([]);
    expect((await s.balances(x)).pending).to.equal(0);
  });
});

onEachDatabase('an order window shorter than the cookie: cookie_days 30, order_window_days 7', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    s = await started(current().db, 'RUB');
    program = await s.program({
      slug: 'lessons-30',
      name: 'Lessons, 30-day cookie',
      terms_version: 1,
      currency: 'RUB',
      timezone: 'Europe/Moscow',
      cookie_days: 30,
      attribution: 'last_click',
      attribution_scope: 'order',
      order_window_days: 7,
      hold_days: 30,
      rules: [{ id: 'course', products: [101], rate_bp: 3000, recurrence: 'first_invoice' }],
      payout: { thresholds: { RUB: '1000.00' } },
    });
  });
  verifyAfterEach(() => s);

  it('a visitor follows partner X’s link on day 0 and orders course 101 for RUB 10,000.00 on day 8: the cookie still lives but the order is past the 7-day window, and nobody earns', async () => {
    const x = await s.agent(program);
    const { client, cookie } = await visitorSignsUp(s, x);
    s.clock.advanceDays(8);
    const order = await ordersAndPays(s, client, cookie, [course(101, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([]);
  });

  it('the same on day 6: X earns RUB 3,000.00 (30 %)', async () => {
    const x = await s.agent(program);
    const { client, cookie } = await visitorSignsUp(s, x);
    s.clock.advanceDays(6);
    const order = await ordersAndPays(s, client, cookie, [course(101, 1_000_000)]);
    expect(await s.commissionsOf(order.invoiceId)).to.deep.equal([[x, 300_000, 'pending']]);
  });
});

onEachDatabase('the 011 migration on data from before it: customers who paid are not new', ({ current }) => {
  it('a referral’s first paid invoice 501 and a client’s commissions on invoices 700 and 650 become first-paid markers 501 and 650', async () => {
    const db = current().db;
    const upTo010 = { ...migrationSource, getMigrations: async () => (await migrationSource.getMigrations([])).slice(0, 10) };
    await db.migrate.latest({ migrationSource: upTo010, tableName: MIGRATIONS_TABLE });
    const referral = { agent_id: 1, program_id: 1, terms_version: 1, created_at: 1, rule: 'code' };
    await db(T.referrals).insert([
      { ...referral, client_id: 10, first_paid_invoice_id: 501 },
      { ...referral, client_id: 11, first_paid_invoice_id: null },
    ]);
    const commission = {
      agent_id: 1,
      program_id: 1,
      client_id: 11,
      rule: 'auto',
      role: 'sales',
      terms_version: 1,
      base_minor: 10_000,
      parts: '[]',
      amount_minor: 1_000,
      adjusted_minor: 0,
      currency: 'USD',
      status: 'pending',
      created_at: 1,
      available_at: 1,
    };
    await db(T.commissions).insert([
      { ...commission, invoice_id: 700, invoice_line_id: 7001 },
      { ...commission, invoice_id: 650, invoice_line_id: 6501 },
      { ...commission, client_id: 12, invoice_id: 0, invoice_line_id: 0, rule: 'manual:bonus' },
    ]);
    await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
    const marks = await db(T.firstPaidOrders).orderBy('client_id');
    expect(marks.map((m) => [Number(m.client_id), Number(m.invoice_id)])).to.deep.equal([
      [10, 501],
      [11, 650],
    ]);
  });
});

onEachDatabase('Cloudpockets: a client-scoped program is unchanged by clicks before an order', ({ current }) => {
  let s: Scenario;

  before(async () => {
    s = await started(current().db, 'USD');
  });
  verifyAfterEach(() => s);

  it('a client who signed up through affiliate A’s link orders USD 300.00 forty days later after affiliate B’s link: A earns USD 30.00 (10 %), and again on a second invoice of USD 300.00; B nothing, and no order click is kept', async () => {
    const program = await s.program('cloudpockets.json');
    const a = await s.agent(program);
    const b = await s.agent(program);
    const { client } = await visitorSignsUp(s, a);
    s.clock.advanceDays(40);
    const first = await ordersAndPays(s, client, await s.click(b), [{ amount: 30_000 }]);
    const second = await s.pays(client, [{ amount: 30_000 }]);
    expect(await s.commissionsOf(first.invoiceId)).to.deep.equal([[a, 3_000, 'pending']]);
    expect(await s.commissionsOf(second.invoiceId)).to.deep.equal([[a, 3_000, 'pending']]);
    expect((await s.balances(b)).pending).to.equal(0);
    expect(await s.db(T.orderClicks).where({ client_id: client })).to.deep.equal([]);
  });
});

describe('attribution_scope in a program file', () => {
  const base = {
    slug: 'lessons',
    name: 'Lessons',
    terms_version: 1,
    currency: 'RUB',
    timezone: 'Europe/Moscow',
    cookie_days: 7,
    hold_days: 30,
    rules: [{ id: 'course', rate_bp: 3000, recurrence: 'first_invoice' }],
    payout: { thresholds: { RUB: '1000.00' } },
  };
  const issues = (raw: object): string[] => {
    try {
      parseDefinition(raw);
      return [];
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      return e.issues;
    }
  };

  it('is client by default; order needs order_window_days and first_invoice sales rules; client refuses a window', () => {
    expect(parseDefinition(base).attribution_scope).to.equal('client');
    expect(parseDefinition({ ...base, attribution_scope: 'order', order_window_days: 7 }).order_window_days).to.equal(7);
    expect(issues({ ...base, attribution_scope: 'order' })).to.deep.equal(['order_window_days: required when attribution_scope is order']);
    expect(issues({ ...base, order_window_days: 7 })).to.deep.equal(['order_window_days: only with attribution_scope: order']);
    expect(issues({ ...base, attribution_scope: 'order', order_window_days: 7, rules: [{ id: 'course', rate_bp: 3000 }] })).to.deep.equal([
      'rules[0].recurrence: first_invoice with attribution_scope: order',
    ]);
  });
});
