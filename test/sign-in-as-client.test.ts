import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, csrfFrom, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const AREA = '/index.php?m=agenttools';
const START = `${AREA}&action=signInAsClient`;
const RETURN = `${AREA}&action=signInReturn`;
const DETAILS = `${AREA}&action=serviceManagerDetails`;

/** Sign in as client: only the client's own service manager, only what the client granted, audited. */
onEachDatabase('sign in as client', ({ current }) => {
  let f: Fixture;
  let ann: number;
  let annSession: Session;
  let client: Session;
  let clientId: number;

  const agent = async (email: string, first: string) => {
    const s = await session(f.host);
    await s.post('/register', '/register', { firstname: first, lastname: 'Agent', email, password: PASSWORD, currency: 'USD' });
    const id = Number((await f.host.db('host_clients').where({ email }).first()).id);
    const program = await f.host.agentTools.services.programs.bySlug('default');
    return (await f.host.agentTools.services.agents.activateForClient(id, program!.id)).id;
  };
  const audit = async () => (await current().db(T.signInAudit).orderBy('id')).map((a) => `${a.action}: ${a.detail}`);
  const sid = (s: Session) => {
    const c = s.agent.jar.getCookie('billing.sid', { domain: '127.0.0.1', path: '/', script: false, secure: false });
    return c?.value;
  };
  const startAs = async (s: Session, id: number) => s.post(AREA, START, { client_id: id });

  before(async () => {
    f = await startHost(current().db);
    ann = await agent('ann@example.com', 'Ann');
    await agent('ben@example.com', 'Ben');
    client = await session(f.host);
    clientId = await signUp(f.host, client, 'wanjiru@example.com');
    await client.post(`${AREA}&t=serviceManager&affid=${ann}`, `${AREA}&action=serviceManagerConfirm`, { affid: ann });
    annSession = await session(f.host, { email: 'ann@example.com' });
  });
  after(() => f.host.stop());

  it('the agent panel lists the client with a Sign in as client button, and the service-manager link', async () => {
    const page = (await annSession.agent.get(`${AREA}&action=managed`)).text;
    expect(page).to.match(/data-testid="managed-clients"[\s\S]*Visitor Person[\s\S]*Sign in as client/);
    expect(page).to.contain(`/index.php?m=agenttools&amp;t=serviceManager&amp;affid=${ann}`);
  });

  it('signing in (POST) starts a new session as the client, with a banner saying who is signed in as whom', async () => {
    const before = sid(annSession);
    const res = await startAs(annSession, clientId);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/clientarea');
    expect(sid(annSession)).to.not.equal(before);
    const page = (await annSession.agent.get('/clientarea')).text;
    expect(page).to.contain('data-testid="sign-in-banner"');
    expect(page).to.contain('Ann Agent (service manager) is signed in as <strong>Visitor Person</strong>');
    expect(page).to.contain('Return to agent panel');
    expect(await audit()).to.deep.equal(['start: signed in for 60 minutes']);
  });

  it("as the client the agent places an order (orders granted), and the invoice is the client's; each action is audited", async () => {
    const res = await annSession.post('/', '/order', { product_id: f.productId });
    expect(res.status).to.equal(303);
    const [invoice] = await f.host.db('host_invoices').where({ client_id: clientId });
    expect(invoice).to.not.equal(undefined);
    expect(await audit()).to.include('POST /order: answered 303');
  });

  it("what the client did not grant, or no agent may do, is refused: paying with the client's payment method, the grant itself, the affiliate page, signing in as someone else", async () => {
    const [invoice] = await f.host.db('host_invoices').where({ client_id: clientId });
    const pay = await annSession.post('/clientarea', `/invoices/${invoice.id}/pay`, {});
    expect(pay.status).to.equal(403);
    expect((await f.host.db('host_invoices').where({ id: invoice.id }).first()).status).to.equal('Unpaid');
    expect((await annSession.agent.get(DETAILS)).status).to.equal(403);
    expect((await annSession.agent.get(AREA)).status).to.equal(403);
    expect((await annSession.post('/clientarea', START, { client_id: clientId })).status).to.equal(403);
    expect((await annSession.post('/clientarea', `${AREA}&action=serviceManagerRevoke`, {})).status).to.equal(403);
    expect(await f.host.agentTools.services.serviceManagers.manages(ann, clientId)).to.equal(true);
    expect((await audit()).filter((a) => a.startsWith('refused'))).to.have.length(5);
  });

  it("Return to agent panel ends it: back on the agent's own account with a new session id, where the client's new invoice shows", async () => {
    const before = sid(annSession);
    const res = await annSession.post('/clientarea', RETURN, {});
    expect(res.status).to.equal(303);
    expect(sid(annSession)).to.not.equal(before);
    const page = (await annSession.agent.get(`${AREA}&action=managed`)).text;
    expect(page).to.contain('data-testid="managed-clients"');
    const [invoice] = await f.host.db('host_invoices').where({ client_id: clientId });
    expect(page).to.contain(`data-testid="client-invoices">#${invoice.id} USD\u00a0123.45 Unpaid</td>`);
    expect(page).not.to.contain('sign-in-banner');
    expect(await audit()).to.include('end: returned to the agent panel');
  });

  it('nobody else may start one: anonymous, a plain client, another agent, an admin; nor by GET or without the form token', async () => {
    expect((await request(f.host.app).post(START).type('form').send({ client_id: clientId })).status).to.equal(403);
    const plain = await session(f.host);
    await signUp(f.host, plain, 'plain@example.com');
    const p = await startAs(plain, clientId);
    expect([p.status, p.text.includes('only an active agent can sign in as a client')]).to.deep.equal([422, true]);
    const ben = await session(f.host, { email: 'ben@example.com' });
    const b = await startAs(ben, clientId);
    expect([b.status, b.text.includes('this client has not made you their service manager')]).to.deep.equal([422, true]);
    const admin = await session(f.host, { admin: true });
    expect((await admin.post('/admin', START, { client_id: clientId })).status).to.equal(302);
    expect((await annSession.agent.get(`${START}&client_id=${clientId}`)).status).to.equal(405);
    expect((await annSession.agent.post(START).type('form').send({ client_id: clientId })).status).to.equal(403);
    expect(await current().db(T.signIns).whereNull('ended_at')).to.have.length(0);
  });

  it('a revoke by the client ends an open session on its very next request, which is not carried out', async () => {
    await startAs(annSession, clientId);
    const token = csrfFrom((await annSession.agent.get('/')).text);
    const invoicesBefore = (await f.host.db('host_invoices').where({ client_id: clientId })).length;
    const revoke = await client.post(DETAILS, `${AREA}&action=serviceManagerRevoke`, { reason: 'changed my mind' });
    expect(revoke.status).to.equal(303);
    const next = await annSession.agent.post('/order').type('form').send({ product_id: f.productId, _csrf: token });
    expect(next.status).to.equal(303);
    expect(next.headers.location).to.equal(`${AREA}&signin=ended`);
    expect((await f.host.db('host_invoices').where({ client_id: clientId })).length).to.equal(invoicesBefore);
    const page = (await annSession.agent.get(String(next.headers.location))).text;
    expect(page).to.contain('Your session as the client has ended');
    expect((await audit()).at(-1)).to.equal('end: access revoked');
  });

  it('a block of the agent, or the end of the 60 minutes, ends it too', async () => {
    await client.post(`${AREA}&t=serviceManager&affid=${ann}`, `${AREA}&action=serviceManagerConfirm`, { affid: ann });
    await startAs(annSession, clientId);
    f.clock.set(f.clock.now() + 61 * 60_000);
    expect((await annSession.agent.get('/clientarea')).headers.location).to.equal(`${AREA}&signin=ended`);
    expect((await audit()).at(-1)).to.equal('end: expired');
    await startAs(annSession, clientId);
    await f.host.agentTools.services.forfeiture.block(ann, 'test', 'admin');
    expect((await annSession.agent.get('/clientarea')).headers.location).to.equal(`${AREA}&signin=ended`);
    expect((await audit()).at(-1)).to.equal('end: agent blocked');
  });

  it('an unlink by an admin ends it too', async () => {
    await f.host.agentTools.services.agents.reactivate(ann);
    await client.post(`${AREA}&t=serviceManager&affid=${ann}`, `${AREA}&action=serviceManagerConfirm`, { affid: ann });
    await startAs(annSession, clientId);
    const admin = await session(f.host, { admin: true });
    const page = `/admin/addonmodules.php?module=agenttools&action=agent&id=${ann}`;
    const res = await admin.post(page, '/admin/addonmodules.php?module=agenttools&action=unassignClient', { agent_id: ann, client_id: clientId, reason: 'agent left the company' });
    expect(res.status).to.equal(303);
    expect((await annSession.agent.get('/clientarea')).headers.location).to.equal(`${AREA}&signin=ended`);
    expect((await audit()).at(-1)).to.equal('end: access revoked');
    expect(await f.host.agentTools.services.serviceManagers.forClient(clientId)).to.equal(null);
  });

  it('the client and the admin can both read the audit log', async () => {
    const mine = (await client.agent.get(DETAILS)).text;
    expect(mine).to.contain('data-testid="sign-in-audit"');
    expect(mine).to.contain('POST /order');
    const admin = await session(f.host, { admin: true });
    const log = (await admin.agent.get(`/admin/addonmodules.php?module=agenttools&action=signInAudit&agent_id=${ann}`)).text;
    expect(log).to.contain('data-testid="admin-sign-in-audit"');
    expect(log).to.contain('access revoked');
    expect(log).to.contain('POST /order');
  });
});
