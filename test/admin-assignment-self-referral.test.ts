import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from './support/scenario';
import { agentAccount, type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { DEVICE_COOKIE } from '../module/attribution/device-cookie';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { T } from '../module/db/tables';

const ADMIN = '/admin/addonmodules.php?module=agenttools';
const agentPage = (agentId: number) => `${ADMIN}&action=agent&id=${agentId}`;

/**
 * An admin's assignment applies the self-referral rules of every other path: a client who looks
 * like the agent's own (the agent's mailbox, a payment method they share, an earlier self-referral
 * review naming the agent) is assigned only once the admin confirms over the warning, and the log
 * keeps that decision. The signs are read by the service, so both admin forms share them.
 */
onEachDatabase('self-referral: the signs an admin is warned of', ({ current }) => {
  let s: Scenario;
  let alice: number;
  let aliceClient: number;
  const assignments = () => s.services.assignments;

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    const program = await s.program({
      ...{ slug: 'plain', name: 'Plain', terms_version: 1, currency: 'USD', timezone: 'UTC', cookie_days: 30, hold_days: 0 },
      ...{ rules: [{ id: 'all', rate_bp: 1000 }], payout: { thresholds: { USD: '50.00' } } },
    });
    alice = await s.agent(program);
    aliceClient = (await s.services.agents.get(alice))!.clientId;
  });
  verifyAfterEach(() => s);

  it('a stranger is assigned at once, with the reason as given', async () => {
    const client = await s.signsUp();
    await assignments().assignByAdmin(client, alice, 'admin', 'walk-in customer', false);
    expect(await s.agentOf(client)).to.equal(alice);
  });

  it("a client paying with the agent's card: refused until confirmed, then assigned with the decision in the log", async () => {
    const client = await s.signsUp();
    const own = s.unpaid(aliceClient, [{ amount: 500 }]);
    s.host.invoices.get(own.invoiceId)!.paid_with = 'card:4242';
    await own.pay();
    const theirs = s.unpaid(client, [{ amount: 500 }]);
    s.host.invoices.get(theirs.invoiceId)!.paid_with = 'card:4242';
    await theirs.pay();
    const refused = await expectRuleError(assignments().assignByAdmin(client, alice, 'admin', 'walk-in customer', false), 'confirm_self_referral');
    expect(refused.message).to.equal('same payment details as the agent');
    expect(await s.agentOf(client)).to.equal(null);
    await assignments().assignByAdmin(client, alice, 'admin', 'walk-in customer', true);
    expect(await s.agentOf(client)).to.equal(alice);
    const [line] = await s.db(T.assignmentLog).where({ client_id: client });
    expect(line.reason).to.equal('walk-in customer [assigned over the self-referral warning: same payment details as the agent]');
  });

  it("a client whose sign-up from the agent's browser was flagged and rejected: the admin is warned of the device before assigning them again", async () => {
    await s.services.selfReferral.setMode('flag');
    const { device, value } = s.services.deviceCookie.issue();
    await s.services.devices.record(device, alice);
    const client = 900;
    s.host.addClient(client, 'someone.else@example.org');
    await s.fire(
      'ClientAdd',
      { client_id: client, user_id: client, email: 'someone.else@example.org', firstname: 'S', lastname: 'E' },
      { request: { cookies: { [REFERRAL_COOKIE]: await s.click(alice), [DEVICE_COOKIE]: value } } },
    );
    const [review] = (await s.services.reviews.listOpen()).filter((r) => r.clientId === client);
    await s.services.reviews.reject(review!.id, 'admin', "Alice's own second account");
    await s.services.selfReferral.setMode('reject');
    const refused = await expectRuleError(assignments().assignByAdmin(client, alice, 'admin', 'asked by Alice', false), 'confirm_self_referral');
    expect(refused.message).to.equal('same device as the agent');
    expect(await s.agentOf(client)).to.equal(null);
  });

  it("the agent's own account is refused whatever the admin confirms, and a blank reason before any warning", async () => {
    await expectRuleError(assignments().assignByAdmin(aliceClient, alice, 'admin', 'own', true), 'client_id');
    s.host.addClient(901, 'ALICE+shop@Example.com');
    s.host.clients.get(aliceClient)!.email = 'alice@example.com';
    await expectRuleError(assignments().assignByAdmin(901, alice, 'admin', '  ', false), 'reason');
    const refused = await expectRuleError(assignments().assignByAdmin(901, alice, 'admin', 'shop', false), 'confirm_self_referral');
    expect(refused.message).to.equal('same e-mail as the agent');
  });
});

/** The same on the admin's pages: the warning beside the form, a box to tick, the decision logged. */
onEachDatabase("self-referral: the admin's assignment forms", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let alice: { clientId: number; agentId: number };
  const core = () => f.host.agentTools.services;

  before(async () => {
    f = await startHost(current().db);
    alice = await agentAccount(f.host, 'alice@example.com');
    admin = await session(f.host, { admin: true });
  });
  after(() => f.host.stop());

  it("the agent's page: a client with Alice's mailbox is shown a warning and a box to tick, and assigned only once it is ticked", async () => {
    const client = await signUp(f.host, await session(f.host), 'alice+second@example.com');
    const form = { agent_id: alice.agentId, client_id: client, reason: 'asked by phone' };
    const warned = await admin.post(agentPage(alice.agentId), `${ADMIN}&action=assignClient`, form);
    expect(warned.status).to.equal(422);
    expect(warned.text).to.contain(`Client #${client} looks like this agent’s own account: same e-mail as the agent.`);
    expect(warned.text).to.contain('name="confirm_self_referral" value="yes"');
    expect(await core().assignments.forClient(client)).to.equal(null);
    const confirmed = await admin.post(agentPage(alice.agentId), `${ADMIN}&action=assignClient`, { ...form, confirm_self_referral: 'yes' });
    expect(confirmed.status).to.equal(303);
    expect((await core().assignments.forClient(client))?.agentId).to.equal(alice.agentId);
    const log = await current().db(T.assignmentLog).where({ client_id: client });
    expect(log.map((l) => [l.fact, l.actor, l.reason])).to.deep.equal([['referral', 'admin', 'asked by phone [assigned over the self-referral warning: same e-mail as the agent]']]);
  });

  it('the home page’s clients without an agent: as service manager too, nothing is granted before the admin confirms', async () => {
    const client = await signUp(f.host, await session(f.host), 'alice+third@example.com');
    const form = { client_id: client, to_agent: alice.agentId, reason: 'new customer', service_manager: 'yes' };
    const warned = await admin.post(ADMIN, `${ADMIN}&action=assignUnassigned`, form);
    expect(warned.status).to.equal(422);
    expect(warned.text).to.contain('data-testid="self-referral-warning"');
    expect(warned.text).to.contain('same e-mail as the agent');
    expect(await current().db(T.serviceManagers).where({ client_id: client })).to.deep.equal([]);
    const confirmed = await admin.post(ADMIN, `${ADMIN}&action=assignUnassigned`, { ...form, confirm_self_referral: 'yes' });
    expect(confirmed.status).to.equal(303);
    expect(await core().serviceManagers.manages(alice.agentId, client)).to.equal(true);
    const referral = await core().assignments.forClient(client);
    expect([referral?.agentId, referral?.rule]).to.deep.equal([alice.agentId, 'admin']);
    const log = await current().db(T.assignmentLog).where({ client_id: client }).orderBy('id');
    expect(log.map((l) => [l.fact, l.actor, l.reason])).to.deep.equal([
      ['service_manager', 'admin:admin', 'service manager granted'],
      ['referral', 'admin', 'new customer [assigned over the self-referral warning: same e-mail as the agent]'],
    ]);
  });

  it('a stranger is assigned from the home page with no warning', async () => {
    const client = await signUp(f.host, await session(f.host), 'stranger@example.org');
    const res = await admin.post(ADMIN, `${ADMIN}&action=assignUnassigned`, { client_id: client, to_agent: alice.agentId, reason: 'new customer' });
    expect(res.status).to.equal(303);
    expect((await core().assignments.forClient(client))?.agentId).to.equal(alice.agentId);
  });
});
