import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { agentAccount, csrfFrom, type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { SELF_PAID_REASON } from '../module/commissions/earning-service';
import { verifyLedger } from '../module/ledger/verify';
import { BROWSER } from './support/user-agents';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const ALICE_CARD = '4111 1111 1111 1111';
const OTHER_CARD = '5555-5555-5555-4444';

/** Self-referral by payment details: a referred client's invoice paid with the agent's own card. */
onEachDatabase("self-referral: the agent's own payment details", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let alice: { clientId: number; agentId: number };
  const core = () => f.host.agentTools.services;
  const db = () => current().db;

  /** Pays the invoice through the client area's demo gateway form, with this card. */
  const payWith = async (s: Session, invoiceId: number, card: string) => {
    const page = await s.agent.get(`/invoices/${invoiceId}`);
    return s.agent
      .post(`/invoices/${invoiceId}/pay`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), card });
  };
  /** A client signed up through Alice's link, signed in, with one order placed. */
  const referredBuyer = async (email: string) => {
    const visitor = await session(f.host);
    await visitor.agent.get(`/aff.php?aff=${alice.agentId}`).set('User-Agent', BROWSER);
    const clientId = await signUp(f.host, visitor, email);
    expect((await core().assignments.forClient(clientId))?.agentId).to.equal(alice.agentId);
    const signedIn = await session(f.host, { email });
    return { clientId, s: signedIn, invoiceId: await f.host.billing.placeOrder(clientId, f.productId) };
  };
  const commissionsOf = async (invoiceId: number) =>
    (await db()(T.commissions).where({ invoice_id: invoiceId })).map((c) => ({ agent: Number(c.agent_id), status: c.status, amount: Number(c.amount_minor), reason: c.reason }));

  before(async () => {
    f = await startHost(db());
    admin = await session(f.host, { admin: true });
    alice = await agentAccount(f.host, 'alice@example.com');
    // Alice pays her own order with her card: the host now knows that card as hers.
    const own = await f.host.billing.placeOrder(alice.clientId, f.productId);
    expect((await payWith(await session(f.host, { email: 'alice@example.com' }), own, ALICE_CARD)).status).to.equal(303);
  });
  after(() => f.host.stop());
  afterEach(async () => expect((await verifyLedger(db())).problems).to.deep.equal([]));

  it('the host keeps a fingerprint of the card, never the number; a malformed number pays nothing', async () => {
    const [paid] = await db()('host_invoices').where({ client_id: alice.clientId }).whereNotNull('paid_with');
    expect(paid.paid_with).to.match(/^[0-9a-f]{32}$/);
    expect(paid.paid_with).not.to.contain('4111');
    expect(await f.host.api.paymentFingerprints(alice.clientId)).to.deep.equal([paid.paid_with]);
    const buyer = await referredBuyer('erin@example.com');
    const bad = await payWith(buyer.s, buyer.invoiceId, '4111-abcd');
    expect(bad.status).to.equal(409);
    expect(bad.text).to.contain('enter a card number of 12 to 19 digits');
    expect((await db()('host_invoices').where({ id: buyer.invoiceId }).first()).status).to.equal('Unpaid');
  });

  it("reject (the default): an invoice paid with Alice's card earns her nothing, visibly; another card earns as usual", async () => {
    const buyer = await referredBuyer('carol@example.com');
    const pendingBefore = (await core().ledger.balances(alice.agentId, 'USD')).pending;
    expect((await payWith(buyer.s, buyer.invoiceId, ALICE_CARD.replace(/ /g, ''))).status).to.equal(303);
    expect(await commissionsOf(buyer.invoiceId)).to.deep.equal([{ agent: alice.agentId, status: 'rejected', amount: 0, reason: SELF_PAID_REASON }]);
    expect((await core().ledger.balances(alice.agentId, 'USD')).pending).to.equal(pendingBefore);
    expect(await db()(T.referralReviews)).to.have.length(0);

    const next = await f.host.billing.placeOrder(buyer.clientId, f.productId);
    expect((await payWith(buyer.s, next, OTHER_CARD)).status).to.equal(303);
    expect(await commissionsOf(next)).to.deep.equal([{ agent: alice.agentId, status: 'pending', amount: 1235, reason: null }]);
  });

  it('flag: the commission is made and the client waits in the review queue', async () => {
    expect((await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setSignUpSettings`, { slug_approval: 'admin', self_referral: 'flag' })).status).to.equal(303);
    const buyer = await referredBuyer('dave@example.com');
    expect((await payWith(buyer.s, buyer.invoiceId, ALICE_CARD)).status).to.equal(303);
    expect(await commissionsOf(buyer.invoiceId)).to.deep.equal([{ agent: alice.agentId, status: 'pending', amount: 1235, reason: null }]);
    const reviews = await db()(T.referralReviews).where({ client_id: buyer.clientId });
    expect(reviews.map((r) => [Number(r.agent_id), r.reason, r.status])).to.deep.equal([[alice.agentId, 'same payment details as the agent', 'open']]);
    expect((await admin.agent.get(`${ADMIN_PAGE}&action=reviews`)).text).to.contain('<td data-label="Why">same payment details as the agent</td>');
  });

  it('a client whose sign-up was reviewed and kept is reviewed again for the card; rejecting voids what Alice holds from them', async () => {
    const buyer = await referredBuyer('gina@example.com');
    await db()(T.referralReviews).insert({
      client_id: buyer.clientId,
      agent_id: alice.agentId,
      reason: 'same e-mail as the agent',
      status: 'kept',
      decided_by: 'admin',
      created_at: f.clock.now(),
      decided_at: f.clock.now(),
    });
    const pendingBefore = (await core().ledger.balances(alice.agentId, 'USD')).pending;
    const paidOrdersBefore = (await core().agents.get(alice.agentId))!.paidOrders;
    expect((await payWith(buyer.s, buyer.invoiceId, ALICE_CARD)).status).to.equal(303);
    expect((await core().ledger.balances(alice.agentId, 'USD')).pending).to.equal(pendingBefore + 1235);
    const reviews = await db()(T.referralReviews).where({ client_id: buyer.clientId }).orderBy('id');
    expect(reviews.map((r) => [r.reason, r.status])).to.deep.equal([
      ['same e-mail as the agent', 'kept'],
      ['same payment details as the agent', 'open'],
    ]);
    // The same invoice's event delivered again flags nothing more.
    await core().earnings.onInvoicePaid(buyer.invoiceId);
    expect(await db()(T.referralReviews).where({ client_id: buyer.clientId })).to.have.length(2);

    const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=rejectReferral`, { review_id: reviews[1].id, reason: "Alice's own card" });
    expect(res.status).to.equal(303);
    expect(await commissionsOf(buyer.invoiceId)).to.deep.equal([{ agent: alice.agentId, status: 'voided', amount: 1235, reason: "self-referral rejected: Alice's own card" }]);
    expect((await core().ledger.balances(alice.agentId, 'USD')).pending).to.equal(pendingBefore);
    expect((await core().agents.get(alice.agentId))!.paidOrders).to.equal(paidOrdersBefore);
    expect((await core().assignments.forClient(buyer.clientId))?.endedAt).to.be.a('number');
  });

  it("an admin's choice of agent for an order is not second-guessed by the card", async () => {
    const buyer = await referredBuyer('frank@example.com');
    const orderId = Number((await db()('host_orders').where({ invoice_id: buyer.invoiceId }).first()).id);
    await core().orderOverrides.set(orderId, alice.agentId, 'admin', "Alice sold it; she paid on the client's behalf");
    await db()(T.referralReviews).delete();
    expect((await payWith(buyer.s, buyer.invoiceId, ALICE_CARD)).status).to.equal(303);
    expect((await commissionsOf(buyer.invoiceId)).map((c) => c.status)).to.deep.equal(['pending']);
    expect(await db()(T.referralReviews)).to.have.length(0);
  });
});
