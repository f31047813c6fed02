import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from './support/scenario';
import type { Program } from '../module/programs/program-service';
import { T } from '../module/db/tables';
import { type Fixture, PASSWORD, session, signUp, startHost, type Session } from './support/host-fixture';

type Mode = 'never' | 'unreferred_only' | 'with_admin_approval';

/** A program paying 10 % of every invoice for life, USD, no hold, with service managers. */
const managed = (slug: string, mode?: Mode) => ({
  ...{ slug, name: `Managed ${slug}`, terms_version: 1, currency: 'USD', timezone: 'UTC', cookie_days: 30, hold_days: 0, service_managers: true },
  ...(mode ? { grant_moves_referral: mode } : {}),
  ...{ rules: [{ id: 'all', rate_bp: 1000 }], payout: { thresholds: { USD: '50.00' } } },
});

/**
 * Who earns (the referral) and who acts (the service manager) are separate facts. Every invoice
 * here pays USD 100.00 (10,000 minor units) and the program pays 10 %: USD 10.00 (1,000) to
 * whoever holds the referral when it is paid (pending until the daily release), nothing to a
 * service manager who does not.
 */
onEachDatabase('who earns and who acts: a grant does not steal a referral, a revoke changes nothing but access', ({ current }) => {
  let s: Scenario;
  const programs: Partial<Record<Mode | 'default', Program>> = {};
  const sm = () => s.services.serviceManagers;
  const invoice = () => [{ amount: 10_000 }];
  const logOf = async (clientId: number) =>
    (await s.db(T.assignmentLog).where({ client_id: clientId }).orderBy('id')).map((l) => [
      l.fact,
      l.from_agent_id === null ? null : Number(l.from_agent_id),
      l.to_agent_id === null ? null : Number(l.to_agent_id),
      l.reason,
    ]);
  const movesOf = async (clientId: number) => (await s.services.referralMoves.forClient(clientId)).map((m) => [m.fromAgentId, m.toAgentId, m.status]);
  /** Two agents of the program: Alice refers, Dana is granted. */
  const pair = async (program: Program) => ({ alice: await s.agent(program), dana: await s.agent(program) });

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    programs.never = await s.program(managed('never', 'never'));
    programs.unreferred_only = await s.program(managed('unreferred', 'unreferred_only'));
    programs.with_admin_approval = await s.program(managed('approval', 'with_admin_approval'));
    programs.default = await s.program(managed('unset'));
  });
  verifyAfterEach(() => s);

  it("the issue's scenario: a client referred by Alice grants Dana and revokes at once; Alice earns USD 10.00 on the next invoice, her click stays the evidence, Dana cannot act, and the log says granted then revoked", async () => {
    const { alice, dana } = await pair(programs.with_admin_approval!);
    const client = await s.referredClient(alice);
    const before = (await s.services.assignments.forClient(client))!;
    expect([before.agentId, before.rule, before.clickUid === null]).to.deep.equal([alice, 'last_click', false]);
    await s.services.clicks.flush();

    const { referral } = await sm().grant(client, dana, `client:${client}`, false, {});
    expect(referral).to.equal('request');
    // Dana may act while the grant lasts: she signs in as the client.
    const danaClient = (await s.services.agents.get(dana))!.clientId;
    const signIn = await s.services.signIns.start(danaClient, client, '198.51.100.7');
    await sm().revoke(client, `client:${client}`, 'changed my mind');

    const paid = await s.pays(client, invoice());
    expect(await s.commissionsOf(paid.invoiceId)).to.deep.equal([[alice, 1_000, 'pending']]);
    expect((await s.balances(dana)).pending).to.equal(0);
    const evidence = ({ agentId, rule, clickUid, clickedAt, source, evidence, createdAt, endedAt }: typeof before) => ({ agentId, rule, clickUid, clickedAt, source, evidence, createdAt, endedAt });
    expect(evidence((await s.services.assignments.forClient(client))!)).to.deep.equal(evidence(before));
    expect(await s.db(T.clicks).where({ agent_id: alice, uid: before.clickUid! })).to.have.length(1);
    expect(await sm().manages(dana, client)).to.equal(false);
    expect(await s.services.signIns.live(signIn.id, '198.51.100.7')).to.equal(null);
    await expectRuleError(s.services.signIns.start(danaClient, client, '198.51.100.7'), undefined, /not made you their service manager/);
    expect(await logOf(client)).to.deep.equal([
      ['service_manager', null, dana, 'service manager granted'],
      ['service_manager', dana, null, 'service manager access revoked: changed my mind'],
    ]);
    // The move the grant asked for went with the grant.
    expect(await movesOf(client)).to.deep.equal([[alice, dana, 'withdrawn']]);
    expect((await s.services.reviews.listOpen()).filter((r) => r.clientId === client)).to.deep.equal([]);
  });

  it('with_admin_approval: the move waits in the review queue while Alice earns; approved, Dana earns from the next invoice, Alice keeps what she earned, and the log keeps the click it replaced', async () => {
    const { alice, dana } = await pair(programs.with_admin_approval!);
    const client = await s.referredClient(alice);
    const clickUid = (await s.services.assignments.forClient(client))!.clickUid;
    await sm().grant(client, dana, `client:${client}`, false, {});
    const [queued] = (await s.services.reviews.listOpen()).filter((r) => r.clientId === client);
    expect(queued).to.include({ kind: 'referral_move', fromAgentId: alice, toAgentId: dana, status: 'open' });
    const first = await s.pays(client, invoice());
    expect(await s.commissionsOf(first.invoiceId)).to.deep.equal([[alice, 1_000, 'pending']]);

    await expectRuleError(s.services.reviews.approveMove(queued!.id, 'admin', ' '), 'reason');
    await s.services.reviews.approveMove(queued!.id, 'admin', 'the client works with Dana now');
    await expectRuleError(s.services.reviews.approveMove(queued!.id, 'admin', 'again'), 'move_id');
    const second = await s.pays(client, invoice());
    expect(await s.commissionsOf(second.invoiceId)).to.deep.equal([[dana, 1_000, 'pending']]);
    expect([(await s.balances(alice)).pending, (await s.balances(dana)).pending]).to.deep.equal([1_000, 1_000]);

    const log = await s.db(T.assignmentLog).where({ client_id: client, fact: 'referral' });
    expect(log.map((l) => [Number(l.from_agent_id), Number(l.to_agent_id), l.actor, l.reason])).to.deep.equal([
      [alice, dana, 'admin', `referral moved to the service manager (request #${queued!.id}): the client works with Dana now`],
    ]);
    expect(JSON.parse(String(log[0].replaced))).to.include({ agentId: alice, rule: 'last_click', clickUid });

    // A revoke now ends Dana's access only: she stays the agent who earns.
    await sm().revoke(client, `client:${client}`, 'no longer needed');
    const third = await s.pays(client, invoice());
    expect(await s.commissionsOf(third.invoiceId)).to.deep.equal([[dana, 1_000, 'pending']]);
  });

  it('with_admin_approval: declined, Alice keeps earning and Dana keeps her access; a move asked of a client whose referral changed since is refused', async () => {
    const { alice, dana } = await pair(programs.with_admin_approval!);
    const client = await s.referredClient(alice);
    await sm().grant(client, dana, `client:${client}`, false, {});
    const [move] = (await s.services.referralMoves.forClient(client)).filter((m) => m.status === 'open');
    await s.services.reviews.declineMove(move!.id, 'admin', 'Alice brought this client');
    expect(await movesOf(client)).to.deep.equal([[alice, dana, 'declined']]);
    const paid = await s.pays(client, invoice());
    expect(await s.commissionsOf(paid.invoiceId)).to.deep.equal([[alice, 1_000, 'pending']]);
    expect(await sm().manages(dana, client)).to.equal(true);

    const other = await s.referredClient(alice);
    await sm().grant(other, dana, `client:${other}`, false, {});
    const [open] = (await s.services.referralMoves.forClient(other)).filter((m) => m.status === 'open');
    await s.services.assignments.unassign(other, alice, 'admin', 'client left Alice');
    await expectRuleError(s.services.reviews.approveMove(open!.id, 'admin', 'move it'), 'move_id', /referral changed/);
    expect(await s.agentOf(other)).to.equal(null);
    expect(await movesOf(other)).to.deep.equal([[alice, dana, 'open']]);
  });

  it('with_admin_approval: a client who replaces Dana with Ben withdraws the request to Dana; only Ben’s waits', async () => {
    const { alice, dana } = await pair(programs.with_admin_approval!);
    const ben = await s.agent(programs.with_admin_approval!);
    const client = await s.referredClient(alice);
    await sm().grant(client, dana, `client:${client}`, false, {});
    await sm().grant(client, ben, `client:${client}`, true, {});
    expect(await movesOf(client)).to.deep.equal([
      [alice, dana, 'withdrawn'],
      [alice, ben, 'open'],
    ]);
    expect(await s.agentOf(client)).to.equal(alice);
  });

  it('unreferred_only, and a program that does not say (the same): a grant assigns a client no one referred (Dana earns USD 10.00), never one Alice referred, and queues nothing', async () => {
    for (const program of [programs.unreferred_only!, programs.default!]) {
      const { alice, dana } = await pair(program);
      const referred = await s.referredClient(alice);
      const unreferred = await s.signsUp();
      expect((await sm().grant(referred, dana, `client:${referred}`, false, {})).referral).to.equal('keep');
      expect((await sm().grant(unreferred, dana, `client:${unreferred}`, false, {})).referral).to.equal('assign');
      const a = await s.pays(referred, invoice());
      const b = await s.pays(unreferred, invoice());
      expect(await s.commissionsOf(a.invoiceId)).to.deep.equal([[alice, 1_000, 'pending']]);
      expect(await s.commissionsOf(b.invoiceId)).to.deep.equal([[dana, 1_000, 'pending']]);
      expect(await movesOf(referred)).to.deep.equal([]);
      expect(await logOf(unreferred)).to.deep.equal([
        ['service_manager', null, dana, 'service manager granted'],
        ['referral', null, dana, 'assigned by the service-manager grant'],
      ]);
      // Revoked, the unreferred client's grant leaves Dana the agent who earns.
      await sm().revoke(unreferred, `client:${unreferred}`, 'done');
      expect(await s.agentOf(unreferred)).to.equal(dana);
    }
  });

  it('never: a grant gives access only; an unreferred client earns no one anything', async () => {
    const { dana } = await pair(programs.never!);
    const client = await s.signsUp();
    expect((await sm().grant(client, dana, `client:${client}`, false, {})).referral).to.equal('keep');
    const paid = await s.pays(client, invoice());
    expect(await s.commissionsOf(paid.invoiceId)).to.deep.equal([]);
    expect(await sm().manages(dana, client)).to.equal(true);
  });

  it("a grant does not undo an admin's ending of the same agent's referral", async () => {
    const { dana } = await pair(programs.unreferred_only!);
    const client = await s.signsUp();
    await s.services.assignments.assign(client, dana, 'admin', 'walk-in');
    await s.services.assignments.unassign(client, dana, 'admin', 'not her client after all');
    expect((await sm().grant(client, dana, `client:${client}`, false, {})).referral).to.equal('keep');
    expect(await s.agentOf(client)).to.equal(null);
  });
});

/** The same model on the pages: what the client reads before confirming, and the admin's queue. */
onEachDatabase('who earns and who acts: the offer page and the review queue', ({ current }) => {
  let f: Fixture;
  let alice: number;
  let dana: number;
  let admin: Session;
  const AREA = '/index.php?m=agenttools';
  const ADMIN = '/admin/addonmodules.php?module=agenttools';
  const link = (agentId: number) => `${AREA}&t=serviceManager&affid=${agentId}`;
  const core = () => f.host.agentTools.services;
  const credit = (html: string) => /data-testid="sm-credit">([^<]*)</.exec(html)?.[1];

  before(async () => {
    f = await startHost(current().db);
    const program = (await core().programs.load(managed('approval', 'with_admin_approval'))).program;
    const agentOf = async (email: string, first: string) => {
      const s = await session(f.host);
      await s.post('/register', '/register', { firstname: first, lastname: 'Agent', email, password: PASSWORD, currency: 'USD' });
      const id = Number((await f.host.db('host_clients').where({ email }).first()).id);
      return (await core().agents.activateForClient(id, program.id)).id;
    };
    alice = await agentOf('alice@example.com', 'Alice');
    dana = await agentOf('dana@example.com', 'Dana');
    admin = await session(f.host, { admin: true });
  });
  after(() => f.host.stop());

  it('a client no one referred reads that confirming also credits Dana for their orders', async () => {
    const s = await session(f.host);
    await signUp(f.host, s, 'nobody@example.com');
    const page = await s.agent.get(link(dana));
    expect(page.text).to.contain('If you confirm, Dana Agent will be able to:');
    expect(credit(page.text)).to.equal('Confirming also makes Dana Agent the agent credited for your orders: Dana Agent will earn a commission on what you pay us. It costs you nothing.');
  });

  it('a client Alice referred reads that Alice stays credited unless staff approve; confirming queues the move, which the admin approves on the home page', async () => {
    const s = await session(f.host);
    expect((await s.agent.get(`/aff.php?aff=${alice}`)).status).to.equal(302);
    const clientId = await signUp(f.host, s, 'referred@example.com');
    expect((await core().assignments.forClient(clientId))?.agentId).to.equal(alice);
    const page = await s.agent.get(link(dana));
    expect(credit(page.text)).to.equal(
      'Confirming does not by itself change the agent credited for your orders: the agent who referred you stays credited unless our staff approve crediting Dana Agent instead. Dana Agent gets the access above at once.',
    );
    expect((await s.post(link(dana), `${AREA}&action=serviceManagerConfirm`, { affid: dana })).status).to.equal(303);
    const details = await s.agent.get(`${AREA}&action=serviceManagerDetails`);
    expect(details.text).to.contain('Revoking ends this access at once. It does not change the agent credited for your orders.');
    expect((await core().assignments.forClient(clientId))?.agentId).to.equal(alice);

    const home = await admin.agent.get(`${ADMIN}&action=reviews`);
    expect(home.text).to.contain('data-testid="referral-moves"');
    expect(home.text).to.contain('Client Visitor Person: referred by Alice Agent, service manager now Dana Agent');
    const [move] = await core().referralMoves.forClient(clientId);
    const blank = await admin.post(ADMIN, `${ADMIN}&action=approveReferralMove`, { move_id: move!.id, reason: ' ' });
    expect(blank.status).to.equal(422);
    const approved = await admin.post(ADMIN, `${ADMIN}&action=approveReferralMove`, { move_id: move!.id, reason: 'Dana looks after this client now' });
    expect(approved.status).to.equal(303);
    expect((await core().assignments.forClient(clientId))?.agentId).to.equal(dana);
    expect((await admin.agent.get(`${ADMIN}&action=reviews`)).text).not.to.contain('data-testid="referral-moves"');
    // Now Dana is both: the page says so.
    expect(credit((await s.agent.get(link(dana))).text)).to.equal(undefined);
  });
});
