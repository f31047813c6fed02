import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';
import { BROWSER } from './support/user-agents';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const AGENT_PAGE = '/index.php?m=agenttools';

/**
 * The Cloudpockets path, clicked through as people would: an admin makes a client an agent, a
 * visitor follows the link, signs up and pays; the hold passes; the agent withdraws; the admin pays.
 */
onEachDatabase('the money path, from referral link to withdrawal', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentSession: Session;
  let agentClientId: number;
  let agentId: number;
  let visitor: Session;
  let referredId: number;
  let invoiceId: number;

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    const agentUser = await session(f.host);
    agentClientId = await signUp(f.host, agentUser, 'agent@example.com');
  });
  after(() => f.host.stop());

  it('an admin turns the affiliate program on for a client, who gets a referral link', async () => {
    const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=activateAgent`, { client_id: agentClientId });
    expect(res.status).to.equal(303);
    const agent = await f.host.agentTools.services.agents.byClient(agentClientId);
    expect(agent?.status).to.equal('active');
    agentId = agent!.id;
    agentSession = await session(f.host, { email: 'agent@example.com' });
    expect((await agentSession.agent.get(AGENT_PAGE)).status).to.equal(200);
    // The referral link is on the agent's Links page.
    const page = await agentSession.agent.get(`${AGENT_PAGE}&action=links`);
    expect(page.text).to.contain(`http://billing.test/aff.php?aff=${agentId}`);
  });

  it('a visitor who opens /aff.php is sent on with a signed 90-day cookie, and the click is counted', async () => {
    visitor = await session(f.host);
    const res = await visitor.agent.get(`/aff.php?aff=${agentId}`).set('User-Agent', BROWSER);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.match(new RegExp(`agenttools_ref=${agentId}\\.`));
    expect(cookie).to.contain('Max-Age=7776000');
    expect(cookie).to.contain('HttpOnly');
    await f.host.agentTools.services.clicks.flush();
    const clicks = await current().db(T.clicks).where({ agent_id: agentId });
    expect(clicks).to.have.length(1);
    expect(clicks[0].user_agent).to.equal(BROWSER);
  });

  it('the visitor signs up and is attributed to the agent', async () => {
    referredId = await signUp(f.host, visitor, 'visitor@example.com');
    const referral = await f.host.agentTools.services.assignments.forClient(referredId);
    expect(referral?.agentId).to.equal(agentId);
    expect(referral?.rule).to.equal('last_click');
  });

  it('paying an invoice of USD 123.45 earns a pending commission of USD 12.35 (10 %), held 30 days', async () => {
    const order = await visitor.post('/', '/order', { product_id: f.productId });
    expect(order.status).to.equal(303);
    invoiceId = Number(/\/invoices\/(\d+)/.exec(String(order.headers.location))![1]);
    f.clock.set('2026-01-10T12:00:00Z');
    const pay = await visitor.post(`/invoices/${invoiceId}`, `/invoices/${invoiceId}/pay`, {});
    expect(pay.status).to.equal(303);
    const [c, ...rest] = await current().db(T.commissions).where({ invoice_id: invoiceId });
    expect(rest).to.have.length(0);
    expect(Number(c.base_minor)).to.equal(12_345);
    expect(Number(c.amount_minor)).to.equal(1_235);
    expect(c.status).to.equal('pending');
    // Paid on 10 January (the program's zone is UTC): available from the start of 9 February, day 30.
    expect(Number(c.available_at)).to.equal(Date.parse('2026-02-09T00:00:00Z'));
    const b = await f.host.agentTools.services.ledger.balances(agentId, 'USD');
    expect([b.pending, b.available]).to.deep.equal([1_235, 0]);
  });

  it('the same InvoicePaid delivered again makes no second commission', async () => {
    expect(await f.host.hooks.run('InvoicePaid', { invoiceid: invoiceId })).to.deep.equal([]);
    expect(await current().db(T.commissions).where({ invoice_id: invoiceId })).to.have.length(1);
    expect((await f.host.agentTools.services.ledger.balances(agentId, 'USD')).pending).to.equal(1_235);
  });

  it('the commission stays pending one day before the hold ends, and is available after DailyCronJob on the day', async () => {
    f.clock.set('2026-02-08T12:00:00Z');
    await f.host.billing.runDailyCron(true);
    expect((await f.host.agentTools.services.ledger.balances(agentId, 'USD')).pending).to.equal(1_235);
    f.clock.set('2026-02-09T12:00:00Z');
    await f.host.billing.runDailyCron(true);
    const b = await f.host.agentTools.services.ledger.balances(agentId, 'USD');
    expect([b.pending, b.available]).to.deep.equal([0, 1_235]);
  });

  it('the agent page shows clicks, sign-ups, balances and what is still needed before a withdrawal', async () => {
    const page = (await agentSession.agent.get(`${AGENT_PAGE}&period=12m`)).text;
    // The Overview's funnel over the last 30 days, from the daily roll-ups.
    expect(page.replace(/\s+/g, ' ')).to.match(/data-testid="funnel-clicks"> <td[^>]*>Clicks<\/td> <td[^>]*>1<\/td>/);
    expect(page.replace(/\s+/g, ' ')).to.match(/data-testid="funnel-signups"> <td[^>]*>Sign-ups<\/td> <td[^>]*>1<\/td>/);
    expect(page.replace(/\s+/g, ' ')).to.match(/data-testid="funnel-qualified"> <td[^>]*>Qualified<\/td> <td[^>]*>1<\/td>/);
    expect(page).to.contain('data-testid="pending">USD\u00a00.00<');
    expect(page).to.contain('data-testid="available">USD\u00a012.35<');
    // What is still needed is on the Payouts page; why the commission is what it is, on Commissions.
    expect((await agentSession.agent.get(`${AGENT_PAGE}&action=payouts`)).text).to.contain('USD\u00a037.65');
    const list = (await agentSession.agent.get(`${AGENT_PAGE}&action=commissions`)).text;
    const one = /action=commission&amp;id=(\d+)/.exec(list)?.[1];
    expect((await agentSession.agent.get(`${AGENT_PAGE}&action=commission&id=${one}`)).text).to.contain('10 % sales on USD\u00a0123.45 = USD\u00a012.35');
  });

  it('a withdrawal below the USD 50.00 threshold is refused with a message beside the amount', async () => {
    const res = await agentSession.post(AGENT_PAGE, `${AGENT_PAGE}&action=withdraw`, { amount: '12.35' });
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/class="field-error"[^>]*>the smallest withdrawal is USD\u00a050\.00</);
    expect(await current().db(T.withdrawals)).to.have.length(0);
  });

  it('with USD 62.35 available, a request above it is refused and USD 62.35 is reserved', async () => {
    const order = await visitor.post('/', '/order', { product_id: f.setupProductId });
    const second = Number(/\/invoices\/(\d+)/.exec(String(order.headers.location))![1]);
    await visitor.post(`/invoices/${second}`, `/invoices/${second}/pay`, {});
    f.clock.set('2026-03-15T12:00:00Z');
    await f.host.billing.runDailyCron(true);
    expect((await f.host.agentTools.services.ledger.balances(agentId, 'USD')).available).to.equal(6_235);

    const tooMuch = await agentSession.post(AGENT_PAGE, `${AGENT_PAGE}&action=withdraw`, { amount: '62.36' });
    expect(tooMuch.status).to.equal(422);
    expect(tooMuch.text).to.contain('only USD\u00a062.35 is available');

    const ok = await agentSession.post(AGENT_PAGE, `${AGENT_PAGE}&action=withdraw`, { amount: '62.35' });
    expect(ok.status).to.equal(303);
    const page = (await agentSession.agent.get(String(ok.headers.location))).text;
    expect(page).to.contain('Your withdrawal of USD\u00a062.35 has been requested.');
    expect(page).to.contain('data-testid="available">USD\u00a00.00<');
    expect(page).to.contain('data-testid="reserved">USD\u00a062.35<');
  });

  it('the admin marks the withdrawal paid and the balances follow', async () => {
    const [w] = await current().db(T.withdrawals);
    const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=markPaid`, { withdrawal_id: w.id });
    expect(res.status).to.equal(303);
    const b = await f.host.agentTools.services.ledger.balances(agentId, 'USD');
    expect([b.pending, b.available, b.reserved, b.withdrawn]).to.deep.equal([0, 0, 0, 6_235]);
    const again = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=markPaid`, { withdrawal_id: w.id });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('already paid');
  });

  it('a refund of an invoice whose commission is still pending voids it', async () => {
    const order = await visitor.post('/', '/order', { product_id: f.productId });
    const third = Number(/\/invoices\/(\d+)/.exec(String(order.headers.location))![1]);
    await visitor.post(`/invoices/${third}`, `/invoices/${third}/pay`, {});
    expect((await f.host.agentTools.services.ledger.balances(agentId, 'USD')).pending).to.equal(1_235);
    const res = await admin.post('/admin', `/admin/invoices/${third}/refund`, {});
    expect(res.status).to.equal(303);
    const [c] = await current().db(T.commissions).where({ invoice_id: third });
    expect(c.status).to.equal('voided');
    expect((await f.host.agentTools.services.ledger.balances(agentId, 'USD')).pending).to.equal(0);
  });

  it('after all of it, every balance re-derives from the ledger entries', async () => {
    const report = await verifyLedger(current().db);
    expect(report.problems).to.deep.equal([]);
    expect(report.ok).to.equal(true);
  });
});
