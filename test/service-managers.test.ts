import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, csrfFrom, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const AREA = '/index.php?m=agenttools';
const link = (agentId: number) => `${AREA}&t=serviceManager&affid=${agentId}`;
const CONFIRM = `${AREA}&action=serviceManagerConfirm`;
const DETAILS = `${AREA}&action=serviceManagerDetails`;
const REVOKE = `${AREA}&action=serviceManagerRevoke`;

/** Cloud One's service managers: the client, and only the client, grants and revokes access. */
onEachDatabase('service managers', ({ current }) => {
  let f: Fixture;
  let ann: number;
  let ben: number;
  let client: Session;
  let clientId: number;

  const makeAgent = async (email: string, first: string, phone: string) => {
    const s = await session(f.host);
    await s.post('/register', '/register', { firstname: first, lastname: 'Agent', email, phonenumber: phone, password: PASSWORD, currency: 'USD' });
    const id = Number((await f.host.db('host_clients').where({ email }).first()).id);
    const program = await f.host.agentTools.services.programs.bySlug('default');
    return (await f.host.agentTools.services.agents.activateForClient(id, program!.id)).id;
  };
  const grants = () => current().db(T.serviceManagers).select('client_id', 'agent_id');

  before(async () => {
    f = await startHost(current().db);
    ann = await makeAgent('ann@example.com', 'Ann', '+254 700 111 222');
    ben = await makeAgent('ben@example.com', 'Ben', '+254 700 333 444');
  });
  after(() => f.host.stop());

  it('a visitor who opens the link signs up and returns to a confirmation showing the agent and the exact permissions; nothing is granted before they confirm', async () => {
    client = await session(f.host);
    const first = await client.agent.get(link(ann));
    expect(first.status).to.equal(302);
    expect(first.headers.location).to.equal(`/login?return=${encodeURIComponent(link(ann))}`);
    const login = await client.agent.get(String(first.headers.location));
    const signUpHref = /href="(\/register\?return=[^"]+)"/.exec(login.text)![1]!.replace(/&amp;/g, '&');
    const form = await client.agent.get(signUpHref);
    const res = await client.agent
      .post('/register')
      .type('form')
      .send({
        firstname: 'Wanjiru',
        lastname: 'Client',
        email: 'wanjiru@example.com',
        password: PASSWORD,
        currency: 'USD',
        return: /name="return" value="([^"]*)"/.exec(form.text)![1]!.replace(/&amp;/g, '&'),
        _csrf: csrfFrom(form.text),
      });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(link(ann));
    clientId = Number((await f.host.db('host_clients').where({ email: 'wanjiru@example.com' }).first()).id);
    // Ann publishes her e-mail and phone on her own page: unpublished, the offer shows neither.
    const annSelf = await session(f.host, { email: 'ann@example.com' });
    await annSelf.post(`${AREA}&action=agentContact`, `${AREA}&action=agentContactSave`, { publish_email: 'yes', publish_phone: 'yes' });
    const offer = await client.agent.get(link(ann));
    expect(offer.text).to.contain('Ann Agent</strong>');
    expect(offer.text).to.contain('ann@example.com');
    expect(offer.text).to.contain('+254 700 111 222');
    for (const p of ['view your invoices', 'view and accept quotes', 'open and answer support tickets', 'place orders that you pay', 'view your products and services'])
      expect(offer.text).to.contain(`<li>${p}</li>`);
    expect(offer.text).to.contain('Never: see or change your password');
    expect(await grants()).to.deep.equal([]);
  });

  it('confirming (POST with the form token) grants access and assigns the client to the agent', async () => {
    const res = await client.post(link(ann), CONFIRM, { affid: ann });
    expect(res.status).to.equal(303);
    expect(await grants()).to.deep.equal([{ client_id: clientId, agent_id: ann }]);
    const referral = await f.host.agentTools.services.assignments.forClient(clientId);
    expect([referral!.agentId, referral!.rule]).to.deep.equal([ann, 'service_manager']);
    const details = await client.agent.get(String(res.headers.location));
    expect(details.text).to.contain('Ann Agent is now your service manager.');
  });

  it("the client sees a My Service Manager panel with the agent's contact beside every client-area page", async () => {
    const page = await client.agent.get('/clientarea');
    expect(page.text).to.contain('data-panel="agenttools-service-manager"');
    expect(page.text).to.match(/My Service Manager[\s\S]*Ann Agent[\s\S]*ann@example.com[\s\S]*\+254 700 111 222/);
  });

  it("a second agent's link warns the client; without confirming the change nothing moves, with it the old agent loses access at once", async () => {
    const offer = await client.agent.get(link(ben));
    expect(offer.text).to.contain('Your service manager now is Ann Agent.');
    const without = await client.post(link(ben), CONFIRM, { affid: ben });
    expect(without.status).to.equal(422);
    expect(without.text).to.contain('confirm that you want to change');
    expect(await grants()).to.deep.equal([{ client_id: clientId, agent_id: ann }]);
    const withIt = await client.post(link(ben), CONFIRM, { affid: ben, replace: 'yes' });
    expect(withIt.status).to.equal(303);
    expect(await grants()).to.deep.equal([{ client_id: clientId, agent_id: ben }]);
    expect(await f.host.agentTools.services.serviceManagers.manages(ann, clientId)).to.equal(false);
    expect(await f.host.agentTools.services.serviceManagers.manages(ben, clientId)).to.equal(true);
  });

  it("an unknown, malformed or blocked agent's link shows a clear page and stores nothing", async () => {
    await f.host.agentTools.services.forfeiture.block(ann, 'test', 'admin');
    for (const affid of ['999999', 'abc', '', '<script>', String(ann)]) {
      const res = await client.agent.get(`${AREA}&t=serviceManager&affid=${encodeURIComponent(affid)}`);
      expect(res.status, affid).to.equal(404);
      expect(res.text).to.contain('This service-manager link is not valid');
      expect(res.text).not.to.contain('<script>');
    }
    const post = await client.post(DETAILS, CONFIRM, { affid: 999999 });
    expect(post.status).to.equal(422);
    expect(await grants()).to.deep.equal([{ client_id: clientId, agent_id: ben }]);
    await f.host.agentTools.services.agents.reactivate(ann);
  });

  it('state changes need POST and the form token', async () => {
    expect((await client.agent.get(`${CONFIRM}&affid=${ann}&replace=yes`)).status).to.equal(405);
    expect((await client.agent.post(CONFIRM).type('form').send({ affid: ann, replace: 'yes' })).status).to.equal(403);
    expect((await client.agent.post(REVOKE).type('form').send({})).status).to.equal(403);
    expect(await grants()).to.deep.equal([{ client_id: clientId, agent_id: ben }]);
  });

  it("who may do what: anonymous, another client, the agents themselves and an admin change nobody's grant", async () => {
    const anon = await request(f.host.app).get(DETAILS);
    expect(anon.status).to.equal(302);
    const other = await session(f.host);
    await signUp(f.host, other, 'other@example.com');
    const otherDetails = await other.agent.get(DETAILS);
    expect(otherDetails.text).to.contain('You have no service manager.');
    const otherRevoke = await other.post(DETAILS, REVOKE, {});
    expect(otherRevoke.status).to.equal(422);
    const benSelf = await session(f.host, { email: 'ben@example.com' });
    const self = await benSelf.post(DETAILS, CONFIRM, { affid: ben });
    expect(self.status).to.equal(422);
    expect(self.text).to.contain('you cannot be your own service manager');
    const admin = await session(f.host, { admin: true });
    expect((await admin.agent.get(DETAILS)).status).to.equal(302);
    expect(await grants()).to.deep.equal([{ client_id: clientId, agent_id: ben }]);
  });

  it('the client revokes access; the panel goes, the client stays credited to Ann (who referred them by her grant), and the log keeps who and why', async () => {
    const res = await client.post(DETAILS, REVOKE, { reason: 'moving in-house' });
    expect(res.status).to.equal(303);
    expect(await grants()).to.deep.equal([]);
    expect((await client.agent.get('/clientarea')).text).not.to.contain('data-panel="agenttools-service-manager"');
    const log = await current().db(T.assignmentLog).where({ client_id: clientId }).orderBy('id');
    // Ann's grant assigned the unreferred client; Ben's replaced her as manager only (the default
    // program's grants move no live referral); the revoke ended Ben's access, nothing else.
    expect(log.map((l) => [l.fact, l.from_agent_id, l.to_agent_id, l.actor])).to.deep.equal([
      ['service_manager', null, ann, 'client:wanjiru@example.com'],
      ['referral', null, ann, 'client:wanjiru@example.com'],
      ['service_manager', ann, ben, 'client:wanjiru@example.com'],
      ['service_manager', ben, null, 'client:wanjiru@example.com'],
    ]);
    expect(log[3].reason).to.equal('service manager access revoked: moving in-house');
    const referral = await f.host.agentTools.services.assignments.forClient(clientId);
    expect([referral?.agentId, referral?.endedAt]).to.deep.equal([ann, null]);
  });
});

onEachDatabase('service managers: an admin assigns clients who have no agent', ({ current }) => {
  let f: Fixture;
  let agentId: number;
  let clientId: number;
  let admin: Session;
  const ADMIN = '/admin/addonmodules.php?module=agenttools';

  before(async () => {
    f = await startHost(current().db);
    const s = await session(f.host);
    await s.post('/register', '/register', { firstname: 'Kip', lastname: 'Agent', email: 'kip@example.com', phonenumber: '+254 722 000 000', password: PASSWORD, currency: 'USD' });
    const kip = Number((await f.host.db('host_clients').where({ email: 'kip@example.com' }).first()).id);
    agentId = (await f.host.agentTools.services.agents.activateForClient(kip, (await f.host.agentTools.services.programs.bySlug('default'))!.id)).id;
    clientId = await signUp(f.host, await session(f.host), 'amina@example.com');
    admin = await session(f.host, { admin: true });
  });
  after(() => f.host.stop());

  it("lists the client without an agent (not the agent's own account), and refuses e-mails without a service manager", async () => {
    const page = (await admin.agent.get(`${ADMIN}&action=agents`)).text;
    const section = page.slice(page.indexOf('data-testid="unassigned-clients"'));
    expect(section).to.contain('amina@example.com');
    expect(section.slice(0, section.indexOf('</section>'))).not.to.contain('kip@example.com');
    const res = await admin.post(ADMIN, `${ADMIN}&action=assignUnassigned`, { client_id: clientId, to_agent: agentId, reason: 'new customer', email: 'yes' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('the e-mails introduce a service manager');
    expect(await current().db(T.serviceManagers)).to.have.length(0);
  });

  it('assigns as service manager and e-mails both sides from the templates', async () => {
    const res = await admin.post(ADMIN, `${ADMIN}&action=assignUnassigned`, { client_id: clientId, to_agent: agentId, reason: 'new customer', service_manager: 'yes', email: 'yes' });
    expect(res.status).to.equal(303);
    const [grant] = await current().db(T.serviceManagers);
    expect([grant.client_id, grant.agent_id, grant.granted_by]).to.deep.equal([clientId, agentId, 'admin:admin']);
    const mails = await f.host.db('host_emails').orderBy('id').select('to', 'subject', 'text');
    expect(mails.map((m) => [m.to, m.subject])).to.deep.equal([
      ['amina@example.com', 'Kip Agent is now your service manager'],
      ['kip@example.com', 'You now manage Visitor Person'],
    ]);
    expect(mails[0].text).to.contain('kip@example.com or +254 722 000 000');
    const page = (await admin.agent.get(`${ADMIN}&action=agents`)).text;
    expect(page.slice(page.indexOf('data-testid="unassigned-clients"'))).to.contain('Every client has an agent.');
  });
});

/** Every service-manager route × who asks → the answer, and nobody's grant moves but the client's own. */
onEachDatabase('service managers: the authorization table', ({ current }) => {
  let f: Fixture;
  let ann: number;

  before(async () => {
    f = await startHost(current().db);
    const program = (await f.host.agentTools.services.programs.bySlug('default'))!;
    for (const [email, first] of [
      ['ann@example.com', 'Ann'],
      ['ben@example.com', 'Ben'],
    ] as const) {
      const s = await session(f.host);
      await s.post('/register', '/register', { firstname: first, lastname: 'Agent', email, password: PASSWORD, currency: 'USD' });
      const id = Number((await f.host.db('host_clients').where({ email }).first()).id);
      const agent = await f.host.agentTools.services.agents.activateForClient(id, program.id);
      if (first === 'Ann') ann = agent.id;
    }
    const c = await session(f.host);
    await signUp(f.host, c, 'client@example.com');
    await c.post(link(ann), CONFIRM, { affid: ann });
  });
  after(() => f.host.stop());

  it("answers each role as expected, and only the client's own requests change a grant", async () => {
    const roles: Record<string, () => Promise<Session>> = {
      anonymous: () => session(f.host),
      client: () => session(f.host, { email: 'client@example.com' }),
      "the client's agent": () => session(f.host, { email: 'ann@example.com' }),
      'another agent': () => session(f.host, { email: 'ben@example.com' }),
      admin: () => session(f.host, { admin: true }),
    };
    const table: Record<string, number[]> = {};
    for (const [role, make] of Object.entries(roles)) {
      const s = await make();
      const token = async () => {
        const page = await s.agent.get('/');
        return /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      };
      table[role] = [
        (await s.agent.get(link(ann))).status,
        (await s.agent.get(DETAILS)).status,
        (
          await s.agent
            .post(CONFIRM)
            .type('form')
            .send({ affid: ann, _csrf: await token() })
        ).status,
        (
          await s.agent
            .post(REVOKE)
            .type('form')
            .send({ _csrf: await token() })
        ).status,
      ];
    }
    // [open the link, the details page, confirm Ann, revoke]
    expect(table).to.deep.equal({
      anonymous: [302, 302, 403, 403],
      client: [200, 200, 303, 303],
      "the client's agent": [200, 200, 422, 422],
      'another agent': [200, 200, 303, 303],
      admin: [302, 302, 302, 302],
    });
    const grants = await current().db(T.serviceManagers).orderBy('client_id').select('client_id', 'agent_id');
    const ben = Number((await f.host.db('host_clients').where({ email: 'ben@example.com' }).first()).id);
    // The client confirmed again and then revoked their own; Ben made Ann his own manager and
    // revoked it: each changed only their own grant.
    expect(grants).to.deep.equal([]);
    const log = await current().db(T.assignmentLog).whereIn('client_id', [ben]).orderBy('id');
    expect(log.map((l) => [l.fact, l.from_agent_id, l.to_agent_id])).to.deep.equal([
      ['service_manager', null, ann],
      ['referral', null, ann],
      ['service_manager', ann, null],
    ]);
  });
});
