import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { agentBrowser, setSelfReferralMode } from './support/self-referral';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const AREA = '/index.php?m=agenttools';
const link = (agentId: number) => `${AREA}&t=serviceManager&affid=${agentId}`;
const CONFIRM = `${AREA}&action=serviceManagerConfirm`;

/**
 * Alice is an agent. From her own browser she signs up a second account and makes herself its
 * service manager: the grant attributes the client like a code or a cookie would, so the same
 * self-referral rules apply.
 */
onEachDatabase("self-referral: a service manager granted from the agent's own browser", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let aliceAgent: number;
  const core = () => f.host.agentTools.services;

  const setMode = (mode: 'reject' | 'flag') => setSelfReferralMode(admin, mode);
  const aliceBrowser = () => agentBrowser(f.host, 'alice@example.com');
  /** Signs up in this browser and confirms Alice as the service manager. */
  const signUpAndGrant = async (s: Session, email: string) => {
    const clientId = await signUp(f.host, s, email);
    const res = await s.post(link(aliceAgent), CONFIRM, { affid: aliceAgent });
    expect(res.status).to.equal(303);
    return clientId;
  };
  const grantOf = async (clientId: number) => (await current().db(T.serviceManagers).where({ client_id: clientId }).first())?.agent_id;
  const reviews = async (clientId: number) => (await current().db(T.referralReviews).where({ client_id: clientId })).map((r) => [Number(r.agent_id), r.reason, r.status]);

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    const clientId = await signUp(f.host, await session(f.host), 'alice@example.com');
    aliceAgent = (await core().agents.activateForClient(clientId, (await core().programs.bySlug('default'))!.id)).id;
  });
  after(() => f.host.stop());

  it('reject (the default): the second account has her as its manager, but is not assigned to her, and nothing is queued', async () => {
    const second = await signUpAndGrant(await aliceBrowser(), 'alice.second@example.org');
    expect(Number(await grantOf(second))).to.equal(aliceAgent);
    expect(await core().assignments.forClient(second)).to.equal(null);
    expect(await reviews(second)).to.deep.equal([]);
    expect(f.logger.lines.some((l) => l.message === 'self-referral not attributed: same device as the agent' && l.data?.clientId === second)).to.equal(true);
  });

  it('flag: the second account is assigned to her as service manager, and waits in the review queue as "same device as the agent"', async () => {
    await setMode('flag');
    const second = await signUpAndGrant(await aliceBrowser(), 'alice.third@example.org');
    const referral = await core().assignments.forClient(second);
    expect([referral?.agentId, referral?.rule]).to.deep.equal([aliceAgent, 'service_manager']);
    expect(await reviews(second)).to.deep.equal([[aliceAgent, 'same device as the agent', 'open']]);
    await setMode('reject');
  });

  it('a stranger in a browser Alice never used grants her and is assigned, with no review', async () => {
    const stranger = await signUpAndGrant(await session(f.host), 'stranger@example.org');
    const referral = await core().assignments.forClient(stranger);
    expect([referral?.agentId, referral?.rule]).to.deep.equal([aliceAgent, 'service_manager']);
    expect(await reviews(stranger)).to.deep.equal([]);
  });
});
