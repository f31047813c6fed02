import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const AREA = '/index.php?m=agenttools';
const link = (agentId: number | string) => `${AREA}&t=serviceManager&affid=${agentId}`;
const CONFIRM = `${AREA}&action=serviceManagerConfirm`;
const CONTACT = `${AREA}&action=agentContact`;
const SAVE = `${AREA}&action=agentContactSave`;

/** The offer page is open to every signed-in client: it tells only what the agent chose, only for programs with service managers, and not by the hundred. */
onEachDatabase('service-manager offers: what they show and to whom', ({ current }) => {
  let f: Fixture;
  let zawadi: number;
  let otis: number;
  let client: Session;

  const makeAgent = async (email: string, first: string, phone: string, slug: string) => {
    const s = await session(f.host);
    await s.post('/register', '/register', { firstname: first, lastname: 'Agent', email, phonenumber: phone, password: PASSWORD, currency: 'USD' });
    const id = Number((await f.host.db('host_clients').where({ email }).first()).id);
    const program = await f.host.agentTools.services.programs.bySlug(slug);
    return (await f.host.agentTools.services.agents.activateForClient(id, program!.id)).id;
  };

  before(async () => {
    f = await startHost(current().db);
    // A program without service managers: the flag is absent, so false.
    await f.host.agentTools.services.programs.load({
      ...{ slug: 'resellers', name: 'Resellers', terms_version: 1, currency: 'USD', timezone: 'UTC', cookie_days: 30, hold_days: 0 },
      ...{ rules: [{ id: 'all', rate_bp: 1000 }], payout: { thresholds: { USD: '50.00' } } },
    });
    await f.host.agentTools.services.programs.load({
      ...{ slug: 'managed', name: 'Managed', terms_version: 1, currency: 'USD', timezone: 'UTC', cookie_days: 30, hold_days: 0, service_managers: true },
      ...{ rules: [{ id: 'all', rate_bp: 1000 }], payout: { thresholds: { USD: '50.00' } } },
    });
    zawadi = await makeAgent('zawadi@example.com', 'Zawadi', '+254 711 000 001', 'managed');
    otis = await makeAgent('otis@example.com', 'Otis', '+254 711 000 002', 'resellers');
    client = await session(f.host);
    await signUp(f.host, client, 'shopper@example.com');
  });
  after(() => f.host.stop());

  it('an agent of a program without service managers has no offer page (404, as an unknown agent) and cannot be granted', async () => {
    const res = await client.agent.get(link(otis));
    expect(res.status).to.equal(404);
    expect(res.text).to.contain('This service-manager link is not valid');
    expect(res.text).not.to.contain('otis@example.com');
    const grant = await client.post(link(zawadi), CONFIRM, { affid: otis });
    expect(grant.status).to.equal(422);
    expect(await current().db(T.serviceManagers)).to.deep.equal([]);
  });

  it('shows name only until the agent publishes e-mail and phone from their own page, and each one alone', async () => {
    const hidden = await client.agent.get(link(zawadi));
    expect(hidden.status).to.equal(200);
    expect(hidden.text).to.contain('<strong>Zawadi Agent</strong>');
    expect(hidden.text).not.to.contain('zawadi@example.com');
    expect(hidden.text).not.to.contain('+254 711 000 001');

    const agent = await session(f.host, { email: 'zawadi@example.com' });
    expect((await agent.agent.get(CONTACT)).text).to.contain('data-testid="agent-contact-form"');
    const saved = await agent.post(CONTACT, SAVE, { publish_phone: 'yes' });
    expect(saved.status).to.equal(303);
    const phoneOnly = await client.agent.get(link(zawadi));
    expect(phoneOnly.text).to.contain('+254 711 000 001');
    expect(phoneOnly.text).not.to.contain('zawadi@example.com');

    await agent.post(CONTACT, SAVE, { publish_email: 'yes', publish_phone: 'yes' });
    const both = await client.agent.get(link(zawadi));
    expect(both.text).to.contain('zawadi@example.com');
    expect(both.text).to.contain('+254 711 000 001');
  });

  it("the publishing form changes only the signed-in agent's own choice, and needs the form token", async () => {
    expect((await client.agent.post(SAVE).type('form').send({ publish_email: 'yes' })).status).to.equal(403);
    // A client who is no agent gets the not-an-agent page and nothing is stored for anyone.
    const notAgent = await client.post(CONTACT, SAVE, { publish_email: 'yes', agent_id: otis });
    expect(notAgent.status).to.equal(200);
    expect(await current().db(T.agentContact).select('agent_id')).to.deep.equal([{ agent_id: zawadi }]);
  });

  it('the 21st distinct agent a client asks for within the hour answers 429; agents already seen still answer', async () => {
    const other = await session(f.host);
    await signUp(f.host, other, 'stepper@example.com');
    // Zawadi, Otis (404) and 18 ids that name nobody (404): 20 distinct ids.
    const statuses = [(await other.agent.get(link(zawadi))).status, (await other.agent.get(link(otis))).status];
    for (let id = 900_001; id <= 900_018; id++) statuses.push((await other.agent.get(link(id))).status);
    expect(statuses).to.deep.equal([200, ...Array<number>(19).fill(404)]);
    const twentyFirst = await other.agent.get(link(900_019));
    expect(twentyFirst.status).to.equal(429);
    expect(twentyFirst.text).to.contain('You have opened many service-manager links in the last hour.');
    expect((await other.agent.get(link(zawadi))).status).to.equal(200);
    // Another client has their own count.
    expect((await client.agent.get(link(900_019))).status).to.equal(404);
  });
});
