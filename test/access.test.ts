import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const AGENT_PAGE = '/index.php?m=agenttools';

/** Who may open what: the module's pages and the platform's objects, by role and by owner. */
onEachDatabase('access to pages and objects', ({ current }) => {
  let f: Fixture;
  let agent: Session;
  let client: Session;
  let admin: Session;
  let clientInvoice: number;

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    agent = await session(f.host);
    const agentClient = await signUp(f.host, agent, 'agent@example.com');
    await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=activateAgent`, { client_id: agentClient });
    client = await session(f.host);
    await signUp(f.host, client, 'plain@example.com');
    const order = await client.post('/', '/order', { product_id: f.productId });
    clientInvoice = Number(/\/invoices\/(\d+)/.exec(String(order.headers.location))![1]);
  });
  after(() => f.host.stop());

  it('anonymous visitors are sent to the right login for the agent page and the admin page', async () => {
    const a = await request(f.host.app).get(AGENT_PAGE);
    expect(a.status).to.equal(302);
    expect(a.headers.location).to.equal(`/login?return=${encodeURIComponent(AGENT_PAGE)}`);
    const b = await request(f.host.app).get(ADMIN_PAGE);
    expect(b.headers.location).to.equal(`/admin/login?return=${encodeURIComponent(ADMIN_PAGE)}`);
    const c = await request(f.host.app).post(`${ADMIN_PAGE}&action=markPaid`).type('form').send({ withdrawal_id: 1 });
    expect(c.status).to.equal(403);
  });

  it('a client who is not an agent sees how to become one, and cannot withdraw', async () => {
    const page = await client.agent.get(AGENT_PAGE);
    expect(page.text).to.contain('Ask our support team');
    const res = await client.post(AGENT_PAGE, `${AGENT_PAGE}&action=withdraw`, { amount: '50.00' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('not an agent account');
  });

  it('clients and agents cannot open the admin area', async () => {
    for (const s of [client, agent]) {
      const res = await s.agent.get(ADMIN_PAGE);
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.match(/^\/admin\/login/);
      expect((await s.agent.get('/admin')).status).to.equal(302);
    }
  });

  it("a signed-in agent posting the admin's new forms with their own valid token is sent to the admin login; nothing changes", async () => {
    const db = current().db;
    const [creative] = await db(T.creatives).insert({ kind: 'text', name: 'Link', alt: '', link_text: 'Our servers', created_by: 'admin', created_at: 0 });
    const agentRow = await db(T.agents).first();
    const [registration] = await db(T.domains).insert({ domain: 'acme-test.example', agent_id: agentRow.id, customer: '', created_at: 0 });
    const before = { creatives: await db(T.creatives).orderBy('id'), domains: await db(T.domains).orderBy('id'), referrals: await db(T.referrals) };
    const forms: [string, Record<string, string | number>][] = [
      ['archiveCreative', { creative_id: Number(creative) }],
      ['addTextCreative', { link_text: 'Mine now', landing: '/' }],
      ['removeDomain', { registration_id: Number(registration), reason: 'x' }],
      ['setClientAgent', { client_id: Number(agentRow.client_id) + 1, agent_id: agentRow.id, reason: 'x' }],
      ['setOrderAgent', { client_id: Number(agentRow.client_id) + 1, order_id: 1, agent_id: agentRow.id, reason: 'x' }],
    ];
    for (const [action, form] of forms) {
      const res = await agent.post(AGENT_PAGE, `${ADMIN_PAGE}&action=${action}`, form);
      expect(res.status, action).to.equal(302);
      expect(res.headers.location, action).to.match(/^\/admin\/login\?return=/);
    }
    expect({ creatives: await db(T.creatives).orderBy('id'), domains: await db(T.domains).orderBy('id'), referrals: await db(T.referrals) }).to.deep.equal(before);
  });

  it("an agent cannot open or pay a client's invoice by changing the id in the URL", async () => {
    expect((await agent.agent.get(`/invoices/${clientInvoice}`)).status).to.equal(404);
    const pay = await agent.post('/clientarea', `/invoices/${clientInvoice}/pay`, {});
    expect(pay.status).to.equal(404);
    const row = await f.host.db('host_invoices').where({ id: clientInvoice }).first();
    expect(row.status).to.equal('Unpaid');
  });

  it('the agent sees the Affiliate sidebar panel with their balance; a plain client does not', async () => {
    const a = await agent.agent.get('/clientarea');
    expect(a.text).to.contain('data-panel="agenttools-affiliate"');
    expect(a.text).to.contain('Available: USD\u00a00.00');
    const c = await client.agent.get('/clientarea');
    expect(c.text).not.to.contain('data-panel="agenttools-affiliate"');
  });

  it('a login page only returns to a path on this site', async () => {
    const s = await session(f.host);
    const page = await s.agent.get('/login?return=https://evil.example/');
    expect(page.text).to.contain('name="return" value="/clientarea"');
  });
});
