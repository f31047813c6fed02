import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { SELF_REFERRAL_SETTING } from '../module/attribution/self-referral';
import { BROWSER } from './support/user-agents';

onEachDatabase('referral codes at checkout', ({ current }) => {
  let f: Fixture;
  const core = () => f.host.agentTools.services;
  const agents: Record<string, { clientId: number; agentId: number; code: string }> = {};

  const makeAgent = async (name: string) => {
    const clientId = await signUp(f.host, await session(f.host), `${name}@example.com`);
    const agent = await core().agents.activateForClient(clientId, (await core().programs.bySlug('default'))!.id);
    agents[name] = { clientId, agentId: agent.id, code: agent.referralCode! };
  };
  /** A new client in a fresh browser, through an agent's link when `via` is given. */
  const client = async (email: string, via?: string): Promise<{ id: number; s: Session }> => {
    const s = await session(f.host);
    if (via) await s.agent.get(`/aff.php?aff=${agents[via]!.agentId}`).set('User-Agent', BROWSER);
    return { id: await signUp(f.host, s, email), s };
  };
  const order = (s: Session, fields: Record<string, string | number>) => s.post('/order', '/order', { product_id: f.productId, ...fields });
  const paidCommissions = async (clientId: number) => {
    for (const o of await f.host.db('host_orders').where({ client_id: clientId })) {
      const inv = await f.host.db('host_invoices').where({ id: o.invoice_id }).first();
      if (inv.status === 'Unpaid') await f.host.billing.payInvoice(Number(o.invoice_id));
    }
    return (await current().db(T.commissions).where({ client_id: clientId }).orderBy('id')).map((c) => Number(c.agent_id));
  };

  before(async () => {
    f = await startHost(current().db);
    await makeAgent('alice');
    await makeAgent('bob');
  });
  after(() => f.host.stop());

  it('the order form offers an optional domain and referral code', async () => {
    const { s } = await client('looker@example.org');
    const page = await s.agent.get(`/order?product_id=${f.productId}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('<label for="domain">Domain (optional)</label>');
    expect(page.text).to.contain('<label for="referral_code">Referral code (optional)</label>');
    expect(page.text).to.contain(`<option value="${f.productId}" selected>`);
    expect((await s.agent.get('/')).text).to.contain('<a href="/order">Order with a domain or a referral code</a>');
  });

  it('an unknown or malformed code is refused beside the field, the form keeps it escaped, and no order or invoice is made', async () => {
    const { id, s } = await client('typo@example.org');
    for (const code of ['ACDEFGHJ', '<b>nope</b>']) {
      const res = await order(s, { referral_code: code, domain: '' });
      expect(res.status, code).to.equal(422);
      expect(res.text).to.contain('role="alert">There is no agent with this referral code. Check it, or leave the field empty.</span>');
      expect(res.text).not.to.contain('<b>nope</b>');
      expect(res.text).to.contain(code === 'ACDEFGHJ' ? 'value="ACDEFGHJ"' : 'value="&lt;b&gt;nope&lt;/b&gt;"');
    }
    const badDomain = await order(s, { referral_code: '', domain: 'not a domain' });
    expect(badDomain.status).to.equal(422);
    expect(badDomain.text).to.contain('role="alert">Enter a domain name such as example.com</span>');
    expect(await f.host.db('host_orders').where({ client_id: id })).to.have.length(0);
    expect(await f.host.db('host_invoices').where({ client_id: id })).to.have.length(0);
  });

  it("a blocked agent's code is refused like an unknown one", async () => {
    await makeAgent('carol');
    await core().forfeiture.block(agents.carol!.agentId, 'spam', 'admin');
    const { id, s } = await client('late@example.org');
    expect((await order(s, { referral_code: agents.carol!.code })).status).to.equal(422);
    expect(await f.host.db('host_orders').where({ client_id: id })).to.have.length(0);
  });

  it('a client with no agent who orders with a code becomes the agent\'s (rule "code"): this order and later ones earn for them', async () => {
    const { id, s } = await client('direct@example.org');
    const typed = `${agents.alice!.code.slice(0, 4).toLowerCase()}-${agents.alice!.code.slice(4)}`;
    expect((await order(s, { referral_code: ` ${typed} ` })).status).to.equal(303);
    const referral = await core().assignments.forClient(id);
    expect([referral?.agentId, referral?.rule, referral?.evidence, referral?.clickUid]).to.deep.equal([agents.alice!.agentId, 'code', `code ${agents.alice!.code}`, null]);
    expect((await f.host.db('host_orders').where({ client_id: id }).first()).referral_code).to.equal(typed);
    expect((await order(s, {})).status).to.equal(303);
    expect(await paidCommissions(id)).to.deep.equal([agents.alice!.agentId, agents.alice!.agentId]);
    // Earned under the terms stored at checkout: 10 % of USD 123.45, each, to the cent.
    expect((await current().db(T.commissions).where({ client_id: id }).orderBy('id')).map((c) => [c.currency, Number(c.amount_minor), c.status])).to.deep.equal([
      ['USD', 1235, 'pending'],
      ['USD', 1235, 'pending'],
    ]);
  });

  it('an exclusive assignment beats a code: the client of another agent stays theirs, the order too, and it is logged', async () => {
    const { id, s } = await client('bobs@example.org', 'bob');
    expect((await core().assignments.forClient(id))?.agentId).to.equal(agents.bob!.agentId);
    expect((await order(s, { referral_code: agents.alice!.code })).status).to.equal(303);
    expect((await core().assignments.forClient(id))?.agentId).to.equal(agents.bob!.agentId);
    const orderId = Number((await f.host.db('host_orders').where({ client_id: id }).first()).id);
    expect(f.logger.lines.find((l) => l.message === 'checkout evidence not applied: the client is assigned to another agent' && l.data?.clientId === id)?.data).to.deep.include({
      orderId,
      agentId: agents.bob!.agentId,
      claimedBy: agents.alice!.agentId,
      evidence: `code ${agents.alice!.code}`,
    });
    expect(await paidCommissions(id)).to.deep.equal([agents.bob!.agentId]);
  });

  it("self-referral: an agent's own code on their own account, or from their own mailbox, is not attributed", async () => {
    const alice = await session(f.host, { email: 'alice@example.com' });
    expect((await order(alice, { referral_code: agents.alice!.code })).status).to.equal(303);
    expect(await core().assignments.forClient(agents.alice!.clientId)).to.equal(null);
    const { id, s } = await client('alice+shop@example.com');
    expect((await order(s, { referral_code: agents.alice!.code })).status).to.equal(303);
    expect(await core().assignments.forClient(id)).to.equal(null);
    expect(f.logger.lines.some((l) => l.message === 'self-referral not attributed: same e-mail as the agent' && l.data?.clientId === id)).to.equal(true);
  });

  it('AfterShoppingCartCheckout delivered twice attributes once; variables out of the contract are refused', async () => {
    const { id, s } = await client('twice@example.org');
    expect((await order(s, { referral_code: agents.bob!.code })).status).to.equal(303);
    const o = await f.host.db('host_orders').where({ client_id: id }).first();
    const vars = { OrderID: Number(o.id), InvoiceID: Number(o.invoice_id), ClientID: id, referral_code: agents.bob!.code };
    expect(await f.host.hooks.run('AfterShoppingCartCheckout', vars)).to.deep.equal([]);
    expect((await core().assignments.forClient(id))?.agentId).to.equal(agents.bob!.agentId);
    expect(await current().db(T.assignmentLog).where({ client_id: id })).to.have.length(1);
    const errors = await f.host.hooks.run('AfterShoppingCartCheckout', { ...vars, ClientID: (await client('other@example.org')).id, OrderID: -1 });
    expect(errors).to.have.length(1);
    expect(errors[0]!.message).to.match(/^AfterShoppingCartCheckout: rejected, OrderID: /);
  });

  it('a code too long to be any, or not text, is refused beside the field by both validation hooks, not by the hook failing', async () => {
    const { id } = await client('longcode@example.org');
    const unknown = { referral_code: 'There is no agent with this referral code. Check it, or leave the field empty.' };
    // A host's form need not stop at 32 characters, as this one's does: the hooks are asked directly.
    for (const code of [`${agents.alice!.code}${'X'.repeat(40)}`, ['ABC'], 42]) {
      expect(await f.host.hooks.validate('ShoppingCartValidateCheckout', { userid: id, referral_code: code }), String(code)).to.deep.equal(unknown);
      expect(await f.host.hooks.validate('ClientDetailsValidation', { email: 'new@example.org', referral_code: code }), String(code)).to.deep.equal(unknown);
    }
    expect(await f.host.hooks.validate('ShoppingCartValidateCheckout', { userid: id, referral_code: agents.alice!.code, domain: `${'a'.repeat(250)}.com` })).to.deep.equal({
      domain: 'Enter a domain name such as example.com.',
    });
    expect(await f.host.hooks.validate('ShoppingCartValidateCheckout', { userid: id, referral_code: agents.alice!.code, domain: 'shop.example' })).to.deep.equal({});
    expect(await f.host.hooks.validate('ClientDetailsValidation', { email: 'new@example.org', referral_code: null })).to.deep.equal({});
    expect(f.logger.lines.filter((l) => /^hook (ShoppingCartValidateCheckout|ClientDetailsValidation) failed$/.test(l.message))).to.deep.equal([]);
  });

  it('AfterShoppingCartCheckout ignores, and logs, a code or a domain too long to be one: the rest of the hook is done, the agent hears of the order', async () => {
    const { id, s } = await client('bobs-careless-host@example.org', 'bob');
    expect((await order(s, {})).status).to.equal(303);
    const o = await f.host.db('host_orders').where({ client_id: id }).first();
    const orderNotice = () =>
      current()
        .db(T.notifications)
        .where({ event: 'order', subject_id: Number(o.id) });
    expect(await orderNotice()).to.have.length(1);
    // As if the hook came now for the first time, with what a careless host might pass.
    await orderNotice().delete();
    const vars = { OrderID: Number(o.id), InvoiceID: Number(o.invoice_id), ClientID: id, referral_code: `${agents.alice!.code}${'X'.repeat(40)}`, domain: `${'a'.repeat(250)}.com` };
    expect(await f.host.hooks.run('AfterShoppingCartCheckout', vars)).to.deep.equal([]);
    expect((await core().assignments.forClient(id))?.agentId).to.equal(agents.bob!.agentId);
    expect((await orderNotice()).map((n) => Number(n.agent_id))).to.deep.equal([agents.bob!.agentId]);
    const ignored = f.logger.lines.filter((l) => l.message === 'AfterShoppingCartCheckout: an unfit form field ignored' && l.data?.orderId === Number(o.id));
    expect(ignored.map((l) => [l.level, l.data?.field])).to.deep.equal([
      ['warn', 'referral_code'],
      ['warn', 'domain'],
    ]);
  });

  it('ClientAdd from a host that skipped the sign-up check: a code too long to be one is logged and ignored, not the hook failed', async () => {
    const id = await f.host.billing.createClient({ firstname: 'Lax', lastname: 'Host', email: 'lax-host@example.org', password: 'long-enough-pass', currency: 'USD' });
    const user = await f.host.db('host_users').where({ client_id: id }).first();
    const vars = { client_id: id, user_id: Number(user.id), email: 'lax-host@example.org', firstname: 'Lax', lastname: 'Host', referral_code: `${agents.alice!.code}${'X'.repeat(40)}` };
    expect(await f.host.hooks.run('ClientAdd', vars)).to.deep.equal([]);
    expect(await core().assignments.forClient(id)).to.equal(null);
    expect(f.logger.lines.filter((l) => l.message === 'ClientAdd: an unfit form field ignored' && l.data?.clientId === id).map((l) => [l.level, l.data?.field])).to.deep.equal([
      ['warn', 'referral_code'],
    ]);
  });

  it("two checkouts at once for a client with no agent, with two agents' codes: one agent has them, logged once", async () => {
    const { id } = await client('race@example.org');
    const orderIds: number[] = [];
    for (let i = 0; i < 2; i++) {
      const invoiceId = await f.host.billing.placeOrder(id, f.productId);
      orderIds.push(Number((await f.host.db('host_orders').where({ invoice_id: invoiceId }).first()).id));
    }
    await Promise.all([
      core().attribution.onCheckout(id, orderIds[0]!, {}, { referralCode: agents.alice!.code }),
      core().attribution.onCheckout(id, orderIds[1]!, {}, { referralCode: agents.bob!.code }),
    ]);
    const referral = await core().assignments.forClient(id);
    expect([agents.alice!.agentId, agents.bob!.agentId]).to.include(referral?.agentId);
    const log = await current().db(T.assignmentLog).where({ client_id: id });
    expect(log.map((l) => Number(l.to_agent_id))).to.deep.equal([referral!.agentId]);
  });

  it('with self-referrals flagged, a client reviewed before is not attributed again by a checkout that looks like one', async () => {
    await core().settings.set(SELF_REFERRAL_SETTING, 'flag');
    try {
      // Alice's own mailbox, with a tag: a self-referral by e-mail.
      const { id, s } = await client('alice+again@example.com');
      await current().db(T.referralReviews).insert({ client_id: id, agent_id: agents.alice!.agentId, reason: 'same e-mail as the agent', status: 'kept', created_at: f.clock.now() });
      expect((await order(s, { referral_code: agents.alice!.code })).status).to.equal(303);
      expect(await core().assignments.forClient(id)).to.equal(null);
      expect(f.logger.lines.some((l) => l.message === 'self-referral not attributed: the client was reviewed before' && l.data?.clientId === id)).to.equal(true);
    } finally {
      await core().settings.set(SELF_REFERRAL_SETTING, 'reject');
    }
  });

  it("an assignment an admin ended is not revived by the same agent's code, but another agent's code attributes the client anew", async () => {
    const { id, s } = await client('ended@example.org', 'bob');
    await core().assignments.unassign(id, agents.bob!.agentId, 'admin', 'not a real referral');
    expect((await order(s, { referral_code: agents.bob!.code })).status).to.equal(303);
    expect((await core().assignments.forClient(id))?.endedAt).to.be.a('number');
    expect((await order(s, { referral_code: agents.alice!.code })).status).to.equal(303);
    const referral = await core().assignments.forClient(id);
    expect([referral?.agentId, referral?.rule, referral?.endedAt]).to.deep.equal([agents.alice!.agentId, 'code', null]);
  });
});
