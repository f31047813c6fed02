import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { mailbox, sameMailbox } from '../module/attribution/self-referral';
import { BROWSER } from './support/user-agents';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';

describe('self-referral: one mailbox', () => {
  it('case and a +tag in the local part do not make another mailbox; another local part or domain does', () => {
    expect(mailbox('Alice+Shop@Example.COM')).to.equal('alice@example.com');
    expect(sameMailbox('alice@example.com', 'ALICE+2026@example.com')).to.equal(true);
    expect(sameMailbox('alice@example.com', 'alice.b@example.com')).to.equal(false);
    expect(sameMailbox('alice@example.com', 'alice@example.org')).to.equal(false);
  });
});

onEachDatabase("self-referral: the agent's own e-mail", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let aliceId: number;
  const core = () => f.host.agentTools.services;

  /** A sign-up through Alice's link, in a fresh browser. */
  const viaLink = async (email: string) => {
    const visitor = await session(f.host);
    await visitor.agent.get(`/aff.php?aff=${aliceId}`).set('User-Agent', BROWSER);
    return signUp(f.host, visitor, email);
  };

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    const clientId = await signUp(f.host, await session(f.host), 'alice@example.com');
    aliceId = (await core().agents.activateForClient(clientId, (await core().programs.bySlug('default'))!.id)).id;
  });
  after(() => f.host.stop());

  it("reject (the default): a sign-up as alice+2nd@example.com through Alice's link is not hers, and nothing is queued", async () => {
    expect(await core().settings.get('self_referral')).to.equal('reject');
    const clientId = await viaLink('alice+2nd@example.com');
    expect(await core().assignments.forClient(clientId)).to.equal(null);
    expect(await current().db(T.referralReviews)).to.have.length(0);
    expect(f.logger.lines.some((e) => e.message.includes('self-referral not attributed'))).to.equal(true);
    // A stranger through the same link is hers, as ever.
    expect((await core().assignments.forClient(await viaLink('stranger@example.com')))?.agentId).to.equal(aliceId);
  });

  it("flag: the sign-up is hers and waits in the admin's review queue; a second ClientAdd queues nothing more", async () => {
    expect((await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setSignUpSettings`, { slug_approval: 'admin', self_referral: 'flag' })).status).to.equal(303);
    const clientId = await viaLink('alice+3rd@example.com');
    expect((await core().assignments.forClient(clientId))?.agentId).to.equal(aliceId);
    await core().attribution.onClientAdd(clientId, {}, { email: 'alice+3rd@example.com', referralCode: (await core().agents.get(aliceId))!.referralCode! });
    const reviews = await current().db(T.referralReviews).where({ client_id: clientId });
    expect(reviews.map((r) => [Number(r.agent_id), r.reason, r.status])).to.deep.equal([[aliceId, 'same e-mail as the agent', 'open']]);
    const page = await admin.agent.get(`${ADMIN_PAGE}&action=reviews`);
    expect(page.text).to.contain('data-testid="review-queue"');
    expect(page.text).to.contain(`&id=${clientId}">Visitor Person</a></td>`);
  });

  it('keep closes the review and the referral stays', async () => {
    const [review] = await core().reviews.listOpen();
    const kept = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=keepReferral`, { review_id: review!.id });
    expect(kept.status).to.equal(303);
    expect((await current().db(T.referralReviews).where({ id: review!.id }).first()).status).to.equal('kept');
    expect((await core().assignments.forClient(review!.clientId))?.endedAt).to.equal(null);
    const again = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=keepReferral`, { review_id: review!.id });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain('This review is already decided.');
  });

  it('reject needs a reason beside the field, then unassigns the client with it in the log', async () => {
    const clientId = await viaLink('alice+4th@example.com');
    const [review] = await core().reviews.listOpen();
    expect(review?.clientId).to.equal(clientId);
    const blank = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=rejectReferral`, { review_id: review!.id, reason: ' ' });
    expect(blank.status).to.equal(422);
    expect(blank.text).to.contain('role="alert">required</span>');
    expect((await core().assignments.forClient(clientId))?.endedAt).to.equal(null);
    const rejected = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=rejectReferral`, { review_id: review!.id, reason: "the agent's second account" });
    expect(rejected.status).to.equal(303);
    expect((await core().assignments.forClient(clientId))?.endedAt).to.be.a('number');
    const log = await current().db(T.assignmentLog).where({ client_id: clientId }).orderBy('id');
    expect(log.map((l) => [l.to_agent_id, l.reason, l.actor])).to.deep.equal([[null, "the agent's second account", 'admin']]);
    expect(await core().reviews.listOpen()).to.have.length(0);
  });

  it("the agent's own account is never attributed, even when flagging", async () => {
    const alice = (await core().agents.get(aliceId))!;
    expect(await core().attribution.onClientAdd(alice.clientId, {}, { email: 'alice@example.com', referralCode: alice.referralCode! })).to.equal(null);
    expect(await current().db(T.referralReviews).where({ client_id: alice.clientId })).to.have.length(0);
  });

  it('the settings form refuses what is not a choice, beside the field', async () => {
    const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setSignUpSettings`, { slug_approval: 'sometimes', self_referral: 'flag' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('role="alert">admin or auto</span>');
    expect(await core().settings.get('slug_approval')).to.equal('admin');
  });
});
