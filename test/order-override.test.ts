import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { agentAccount, type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const clientPage = (id: number) => `${ADMIN_PAGE}&action=client&id=${id}`;
const HOSTILE_UA = 'Mozilla/5.0 <script>alert("ua")</script> & "quotes"';

/** An admin reads how a client was won, and gives one order to another agent, or to none, with a reason. */
onEachDatabase('the admin overrides the referring agent of an order', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let alice: { clientId: number; agentId: number };
  let bob: { clientId: number; agentId: number };
  let carolId: number;
  const core = () => f.host.agentTools.services;
  const db = () => current().db;

  /** Carol's order: its id and invoice. */
  const order = async () => {
    const invoiceId = await f.host.billing.placeOrder(carolId, f.productId);
    const row = await db()('host_orders').where({ invoice_id: invoiceId }).first();
    return { orderId: Number(row.id), invoiceId };
  };
  const commissionsOf = async (invoiceId: number) =>
    (await db()(T.commissions).where({ invoice_id: invoiceId }).orderBy('id')).map((c) => ({ agent: Number(c.agent_id), rule: c.rule, status: c.status, amount: Number(c.amount_minor) }));
  const override = (clientId: number, form: Record<string, string | number>) => admin.post(clientPage(clientId), `${ADMIN_PAGE}&action=setOrderAgent`, { client_id: clientId, ...form });

  before(async () => {
    f = await startHost(db());
    admin = await session(f.host, { admin: true });
    alice = await agentAccount(f.host, 'alice@example.com');
    bob = await agentAccount(f.host, 'bob@example.com');
    // The admin's pages name agents: give the two different names.
    await db()('host_clients').where({ id: alice.clientId }).update({ firstname: 'Alice', lastname: 'Seller' });
    await db()('host_clients').where({ id: bob.clientId }).update({ firstname: 'Bob', lastname: 'Seller' });
    const visitor = await session(f.host);
    f.clock.set(f.clock.now() + 60_000);
    await visitor.agent.get(`/aff.php?aff=${alice.agentId}&src=blog`).set('User-Agent', HOSTILE_UA);
    f.clock.set(f.clock.now() + 5 * 60_000);
    carolId = await signUp(f.host, visitor, 'carol@example.com');
    await core().clicks.flush();
  });
  after(() => f.host.stop());
  afterEach(async () => expect((await verifyLedger(db())).problems).to.deep.equal([]));

  it("the client's page shows the rule, the winning click's time and the click itself, escaped", async () => {
    const referral = (await core().assignments.forClient(carolId))!;
    expect(referral.agentId).to.equal(alice.agentId);
    const page = await admin.agent.get(clientPage(carolId));
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<td data-testid="referral-rule">last_click</td>');
    expect(page.text).to.contain(`<td data-testid="referral-click-time">${new Date(referral.clickedAt!).toISOString().slice(0, 19).replace('T', ' ')}</td>`);
    expect(page.text).to.contain(`<td>${referral.clickUid}</td>`);
    expect(page.text).to.contain('&lt;script&gt;alert(&#34;ua&#34;)&lt;/script&gt; &amp; &#34;quotes&#34;');
    expect(page.text).not.to.contain('<script>alert');
    // The agent's page links each client to it, with the click's time.
    const agentPage = await admin.agent.get(`${ADMIN_PAGE}&action=agent&id=${alice.agentId}`);
    expect(agentPage.text).to.contain(`&id=${carolId}">Visitor Person</a>`);
    expect(agentPage.text).to.contain('last_click, click ');
  });

  it("before payment: the order goes to Bob, who earns on it; her next order is Alice's again", async () => {
    const first = await order();
    const res = await override(carolId, { order_id: first.orderId, agent_id: bob.agentId, reason: 'Bob closed the deal by phone' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.contain(`action=client&id=${carolId}&done=order`);
    await f.host.billing.payInvoice(first.invoiceId);
    expect(await commissionsOf(first.invoiceId)).to.deep.equal([{ agent: bob.agentId, rule: 'order:v1', status: 'pending', amount: 1235 }]);
    // A second delivery of the same InvoicePaid makes nothing more.
    expect((await core().earnings.onInvoicePaid(first.invoiceId)).outcome).to.equal('duplicate');
    const second = await order();
    await f.host.billing.payInvoice(second.invoiceId);
    expect(await commissionsOf(second.invoiceId)).to.deep.equal([{ agent: alice.agentId, rule: 'auto', status: 'pending', amount: 1235 }]);
    // Logged with the reason, on the client's page.
    const page = await admin.agent.get(clientPage(carolId));
    expect(page.text).to.contain(`<td>order #${first.orderId}</td><td>Alice Seller</td><td>Bob Seller</td><td>Bob closed the deal by phone</td><td>admin</td>`);
    expect(page.text).to.contain('data-testid="order-overrides"');
  });

  it('after payment, on hold: the commission moves to Bob, back to Alice, then to no one; the ledger follows', async () => {
    const o = await order();
    await f.host.billing.payInvoice(o.invoiceId);
    const alicePaidOrders = (await core().agents.get(alice.agentId))!.paidOrders;
    const pendingBefore = (await core().ledger.balances(alice.agentId, 'USD')).pending;

    expect((await override(carolId, { order_id: o.orderId, agent_id: bob.agentId, reason: 'wrong agent' })).status).to.equal(303);
    expect(await commissionsOf(o.invoiceId)).to.deep.equal([
      { agent: alice.agentId, rule: 'auto', status: 'voided', amount: 1235 },
      { agent: bob.agentId, rule: 'order:v1', status: 'pending', amount: 1235 },
    ]);
    expect((await core().ledger.balances(alice.agentId, 'USD')).pending).to.equal(pendingBefore - 1235);
    expect((await core().agents.get(alice.agentId))!.paidOrders).to.equal(alicePaidOrders - 1);

    expect((await override(carolId, { order_id: o.orderId, agent_id: alice.agentId, reason: 'it was Alice after all' })).status).to.equal(303);
    expect((await commissionsOf(o.invoiceId)).slice(1)).to.deep.equal([
      { agent: bob.agentId, rule: 'order:v1', status: 'voided', amount: 1235 },
      { agent: alice.agentId, rule: 'order:v2', status: 'pending', amount: 1235 },
    ]);
    expect((await core().ledger.balances(alice.agentId, 'USD')).pending).to.equal(pendingBefore);

    expect((await override(carolId, { order_id: o.orderId, agent_id: '', reason: 'house account' })).status).to.equal(303);
    expect((await commissionsOf(o.invoiceId)).every((c) => c.status === 'voided')).to.equal(true);
    expect((await core().ledger.balances(alice.agentId, 'USD')).pending).to.equal(pendingBefore - 1235);
    expect((await admin.agent.get(clientPage(carolId))).text).to.contain('<td>no agent</td><td>house account</td>');
  });

  it('once a commission is released the override is refused, and nothing changes', async () => {
    const o = await order();
    await f.host.billing.payInvoice(o.invoiceId);
    f.clock.advanceDays(31);
    await core().releases.releaseDue();
    const before = await commissionsOf(o.invoiceId);
    const res = await override(carolId, { order_id: o.orderId, agent_id: bob.agentId, reason: 'too late' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('were already released to agent');
    expect(await commissionsOf(o.invoiceId)).to.deep.equal(before);
    expect(await db()(T.orderReferrals).where({ invoice_id: o.invoiceId })).to.have.length(0);
  });

  it('an override saved while InvoicePaid is being worked out: only the new agent earns', async () => {
    const o = await order();
    const host = f.host.api;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the same object, where it runs with its own this
    const fingerprints = host.paymentFingerprints;
    // The payment check runs between reading who earns and writing it: the admin acts right then.
    host.paymentFingerprints = async (clientId) => {
      host.paymentFingerprints = fingerprints;
      expect((await override(carolId, { order_id: o.orderId, agent_id: bob.agentId, reason: 'mid-payment' })).status).to.equal(303);
      return fingerprints(clientId);
    };
    try {
      await f.host.billing.payInvoice(o.invoiceId, { card: '4000 0000 0000 0002' });
    } finally {
      host.paymentFingerprints = fingerprints;
    }
    expect(await commissionsOf(o.invoiceId)).to.deep.equal([{ agent: bob.agentId, rule: 'order:v1', status: 'pending', amount: 1235 }]);
  });

  it('an invoice paid while the override is being saved: the override voids what was earned and earns anew', async () => {
    const o = await order();
    const agents = core().agents;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the same object, where it runs with its own this
    const get = agents.get;
    // set() looks the new agent up before its transaction: the client pays right then.
    agents.get = async (...args) => {
      agents.get = get;
      await f.host.billing.payInvoice(o.invoiceId);
      return get.apply(agents, args);
    };
    try {
      expect((await core().orderOverrides.set(o.orderId, bob.agentId, 'admin', 'paid meanwhile')).version).to.equal(1);
    } finally {
      agents.get = get;
    }
    expect(await commissionsOf(o.invoiceId)).to.deep.equal([
      { agent: alice.agentId, rule: 'auto', status: 'voided', amount: 1235 },
      { agent: bob.agentId, rule: 'order:v1', status: 'pending', amount: 1235 },
    ]);
  });

  it('an override saved while InvoicePaid holds its locks waits for it, then moves what it earned', async () => {
    const o = await order();
    const overrides = core().orderOverrides as unknown as { save: (...args: unknown[]) => Promise<void> };
    const save = overrides.save;
    let entered!: () => void;
    const saving = new Promise<void>((resolve) => (entered = resolve));
    overrides.save = function (...args: unknown[]) {
      entered();
      return save.apply(this, args);
    };
    // The ledger's first entry is written inside InvoicePaid's transaction (the month's targets, read
    // there before, are now measured at month close): the pause is taken there.
    const ledger = core().ledger;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the same object, where it runs with its own this
    const post = ledger.post;
    let saved: Promise<{ status: number }> | null = null;
    // InvoicePaid is inside its transaction, past the override row's lock: the admin saves now.
    ledger.post = async (...args) => {
      ledger.post = post;
      saved = override(carolId, { order_id: o.orderId, agent_id: bob.agentId, reason: 'while paying' });
      // On MariaDB the override reaches its transaction and waits; SQLite's one connection makes it wait sooner.
      await Promise.race([saving, new Promise((r) => setTimeout(r, 1000))]);
      await new Promise((r) => setTimeout(r, 100));
      return post.apply(ledger, args);
    };
    try {
      await f.host.billing.payInvoice(o.invoiceId);
      expect((await saved!).status).to.equal(303);
    } finally {
      ledger.post = post;
      overrides.save = save;
    }
    expect(await commissionsOf(o.invoiceId)).to.deep.equal([
      { agent: alice.agentId, rule: 'auto', status: 'voided', amount: 1235 },
      { agent: bob.agentId, rule: 'order:v1', status: 'pending', amount: 1235 },
    ]);
  });

  it('two admins overriding a new order at once: both are kept, one after the other', async () => {
    const o = await order();
    await Promise.all([core().orderOverrides.set(o.orderId, bob.agentId, 'admin', 'first admin'), core().orderOverrides.set(o.orderId, null, 'admin', 'second admin')]);
    const [row] = await db()(T.orderReferrals).where({ invoice_id: o.invoiceId });
    expect(Number(row.version)).to.equal(2);
    const log = await db()(T.assignmentLog).where({ order_id: o.orderId });
    expect(log.map((l) => l.reason).sort()).to.deep.equal(['first admin', 'second admin']);
  });

  it('a refunded invoice keeps its agent: the refund was taken from their commissions', async () => {
    const o = await order();
    await f.host.billing.payInvoice(o.invoiceId);
    await core().refunds.onInvoiceRefunded(o.invoiceId, { amountMinor: 6000, refundId: 'partial-1' });
    const before = await commissionsOf(o.invoiceId);
    const res = await override(carolId, { order_id: o.orderId, agent_id: bob.agentId, reason: 'after a refund' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('has been refunded, in whole or in part');
    expect(await commissionsOf(o.invoiceId)).to.deep.equal(before);
    expect(await db()(T.orderReferrals).where({ invoice_id: o.invoiceId })).to.have.length(0);
  });

  it("a blocked seller's forfeited commission does not stop the order moving to another agent", async () => {
    const dan = await agentAccount(f.host, 'dan@example.com');
    const o = await order();
    expect((await override(carolId, { order_id: o.orderId, agent_id: dan.agentId, reason: 'Dan sold it' })).status).to.equal(303);
    await f.host.billing.payInvoice(o.invoiceId);
    await core().forfeiture.block(dan.agentId, 'fake sign-ups', 'admin');
    const res = await override(carolId, { order_id: o.orderId, agent_id: bob.agentId, reason: 'Dan was blocked' });
    expect(res.status).to.equal(303);
    expect(await commissionsOf(o.invoiceId)).to.deep.equal([
      { agent: dan.agentId, rule: 'order:v1', status: 'forfeited', amount: 1235 },
      { agent: bob.agentId, rule: 'order:v2', status: 'pending', amount: 1235 },
    ]);
  });

  it('bad input is answered beside the field; an order of another client is not changed from this page', async () => {
    const o = await order();
    const dave = await signUp(f.host, await session(f.host), 'dave@example.com');
    const cases: [Record<string, string | number>, string][] = [
      [{ order_id: 999_999, agent_id: bob.agentId, reason: 'x' }, 'has no order #999999'],
      [{ order_id: o.orderId, agent_id: bob.agentId, reason: ' ' }, 'give a reason'],
      [{ order_id: 'abc', agent_id: bob.agentId, reason: 'x' }, 'a number'],
      [{ order_id: o.orderId, agent_id: 424_242, reason: 'x' }, 'is not an active agent'],
    ];
    for (const [form, message] of cases) {
      const res = await override(carolId, form);
      expect(res.status, message).to.equal(422);
      expect(res.text).to.contain(message);
    }
    const foreign = await override(dave, { order_id: o.orderId, agent_id: bob.agentId, reason: 'x' });
    expect(foreign.status).to.equal(422);
    expect(foreign.text).to.contain(`client #${dave} has no order #${o.orderId}`);
    // An agent cannot be given their own order.
    const own = await f.host.billing.placeOrder(bob.clientId, f.productId);
    const ownOrder = Number((await db()('host_orders').where({ invoice_id: own }).first()).id);
    const mine = await override(bob.clientId, { order_id: ownOrder, agent_id: bob.agentId, reason: 'x' });
    expect(mine.status).to.equal(422);
    expect(mine.text).to.contain('their own order');
    expect(await db()(T.orderReferrals).where({ order_id: o.orderId })).to.have.length(0);
  });

  it('only an admin, only by POST with the form token', async () => {
    const o = await order();
    const get = await admin.agent.get(`${ADMIN_PAGE}&action=setOrderAgent&client_id=${carolId}&order_id=${o.orderId}&agent_id=${bob.agentId}&reason=x`);
    expect(get.status).to.equal(405);
    const forged = await admin.agent.post(`${ADMIN_PAGE}&action=setOrderAgent`).type('form').send({ client_id: carolId, order_id: o.orderId, agent_id: bob.agentId, reason: 'x' });
    expect(forged.status).to.equal(403);
    const client = await session(f.host, { email: 'alice@example.com' });
    const asClient = await client.post('/clientarea', `${ADMIN_PAGE}&action=setOrderAgent`, { client_id: carolId, order_id: o.orderId, agent_id: alice.agentId, reason: 'x' });
    expect(asClient.status).to.equal(302);
    expect(asClient.headers.location).to.contain('/admin/login');
    expect((await client.agent.get(clientPage(carolId))).status).to.equal(302);
    expect(await db()(T.orderReferrals).where({ order_id: o.orderId })).to.have.length(0);
  });

  it("setting the client's agent: only an admin, only by POST with the form token; the page itself only for an admin", async () => {
    const get = await admin.agent.get(`${ADMIN_PAGE}&action=setClientAgent&client_id=${carolId}&agent_id=${bob.agentId}&reason=x`);
    expect(get.status).to.equal(405);
    const forged = await admin.agent.post(`${ADMIN_PAGE}&action=setClientAgent`).type('form').send({ client_id: carolId, agent_id: bob.agentId, reason: 'x' });
    expect(forged.status).to.equal(403);
    const client = await session(f.host, { email: 'bob@example.com' });
    const asClient = await client.post('/clientarea', `${ADMIN_PAGE}&action=setClientAgent`, { client_id: carolId, agent_id: bob.agentId, reason: 'x' });
    expect(asClient.status).to.equal(302);
    expect(asClient.headers.location).to.contain('/admin/login');
    const anonymous = await session(f.host);
    const page = await anonymous.agent.get(clientPage(carolId));
    expect(page.status).to.equal(302);
    expect(page.headers.location).to.contain('/admin/login');
    expect((await core().assignments.forClient(carolId))?.agentId).to.equal(alice.agentId);
  });

  it("the client's agent can be set from the same page, logged", async () => {
    const res = await admin.post(clientPage(carolId), `${ADMIN_PAGE}&action=setClientAgent`, { client_id: carolId, agent_id: bob.agentId, reason: 'moved to Bob' });
    expect(res.status).to.equal(303);
    expect((await core().assignments.forClient(carolId))?.agentId).to.equal(bob.agentId);
    const page = await admin.agent.get(clientPage(carolId));
    expect(page.text).to.contain('<td data-testid="referral-rule">admin</td>');
    expect(page.text).to.contain(`<td>client</td><td>Alice Seller</td><td>Bob Seller</td><td>moved to Bob</td>`);
    // A client who does not exist is not given an agent.
    const ghost = await admin.post(clientPage(carolId), `${ADMIN_PAGE}&action=setClientAgent`, { client_id: 987_654, agent_id: bob.agentId, reason: 'x' });
    expect(ghost.status).to.equal(422);
    expect(ghost.text).to.contain('no such client');
    expect(await db()(T.referrals).where({ client_id: 987_654 })).to.have.length(0);
  });
});
