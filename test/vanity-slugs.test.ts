import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { vanitySlugText } from '../module/links/vanity-slug';
import { RESERVED_SLUGS } from '../module/links/reserved-slugs';
import { SlugCache } from '../module/links/slug-cache';
import { ManualClock } from '../module/core/clock';
import { Changes } from '../module/core/changes';
import { BROWSER } from './support/user-agents';

const CLIENT_PAGE = '/index.php?m=agenttools';
const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';

describe('vanity slugs: what may be asked for', () => {
  it('3 to 32 lower-case letters, digits and -, typed in any case; not starting or ending with -', () => {
    for (const ok of ['abc', 'alice-cloud', 'a1-b2', 'x'.repeat(32)]) expect(vanitySlugText.parse(ok)).to.equal(ok);
    expect(vanitySlugText.parse('  Alice-Cloud ')).to.equal('alice-cloud');
    const message = (s: string) => vanitySlugText.safeParse(s).error?.issues[0]?.message;
    expect(message('ab')).to.equal('At least 3 characters.');
    expect(message('x'.repeat(33))).to.equal('At most 32 characters.');
    for (const bad of ['alice_cloud', 'alice cloud', 'ali.ce', '<script>', 'ünï', '../aff']) expect(message(bad), bad).to.equal('Only letters a–z, digits and -.');
    expect(message('-alice')).to.equal('Start and end with a letter or a digit.');
  });

  it('reserved words are refused, whatever their case', () => {
    expect(vanitySlugText.safeParse('go').success).to.equal(false);
    for (const word of ['admin', 'API', 'login', 'aff', 'index', 'www', 'billing', 'Support']) {
      expect(vanitySlugText.safeParse(word).error?.issues[0]?.message, word).to.equal('This word is reserved; choose another.');
    }
    expect(RESERVED_SLUGS.size).to.be.greaterThan(20);
  });
});

onEachDatabase('vanity slugs: /go/<slug>', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let alice: Session;
  let aliceId: number;
  let bobId: number;
  let ip = 0;
  const visit = (path: string) => request(f.host.app).get(path).set('User-Agent', BROWSER).set('X-Forwarded-For', `198.51.100.${++ip}`);

  const makeAgent = async (email: string) => {
    const clientId = await signUp(f.host, await session(f.host), email);
    const program = await f.host.agentTools.services.programs.bySlug('default');
    return (await f.host.agentTools.services.agents.activateForClient(clientId, program!.id)).id;
  };

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    aliceId = await makeAgent('alice@example.com');
    bobId = await makeAgent('bob@example.com');
    alice = await session(f.host, { email: 'alice@example.com' });
  });
  after(() => f.host.stop());

  it('by default the slug waits for an admin: /go/<slug> goes home with no cookie until it is approved', async () => {
    const asked = await alice.post(CLIENT_PAGE, `${CLIENT_PAGE}&action=requestSlug`, { slug: 'Alice-Cloud' });
    expect(asked.status).to.equal(303);
    const page = await alice.agent.get(asked.headers.location as string);
    expect(page.text).to.contain('was requested; it works once an administrator approves it');
    expect(page.text).to.contain('data-testid="slug-pending"');
    expect(page.text).not.to.contain('data-testid="short-link"');
    const early = await visit('/go/alice-cloud');
    expect(early.status).to.equal(302);
    expect(early.headers.location).to.equal('/');
    expect(early.headers['set-cookie']).to.equal(undefined);
    expect((await admin.agent.get(`${ADMIN_PAGE}&action=agent&id=${aliceId}`)).text).to.contain('/go/alice-cloud · <strong>waiting for approval</strong>');
  });

  it('once approved it is /aff.php?aff=<id> by another name: the cookie, src= and a same-site to=', async () => {
    const approved = await admin.post(`${ADMIN_PAGE}&action=agent&id=${aliceId}`, `${ADMIN_PAGE}&action=approveSlug`, { agent_id: aliceId });
    expect(approved.status).to.equal(303);
    expect(approved.headers.location).to.contain(`id=${aliceId}&done=slugApproved`);
    await current().db(T.clicks).delete();
    const res = await visit(`/go/alice-cloud?src=newsletter&to=${encodeURIComponent('/pricing')}`);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/pricing');
    expect(String(res.headers['set-cookie'])).to.contain(`agenttools_ref=${aliceId}.`);
    expect((await visit('/go/ALICE-CLOUD?to=https://evil.example/')).headers.location).to.equal('/');
    await f.host.agentTools.services.clicks.flush();
    const clicks = await current().db(T.clicks).where({ agent_id: aliceId }).orderBy('id');
    expect(clicks.map((c) => c.source)).to.deep.equal(['newsletter', 'Default']);
    expect((await alice.agent.get(`${CLIENT_PAGE}&action=links`)).text).to.contain('value="http://billing.test/go/alice-cloud"');
  });

  it("a visitor who followed the short link and signs up is the agent's, under the link's source", async () => {
    const visitor = await session(f.host);
    await visitor.agent.get('/go/alice-cloud?src=podcast').set('User-Agent', BROWSER);
    const clientId = await signUp(f.host, visitor, 'listener@example.com');
    const referral = await f.host.agentTools.services.assignments.forClient(clientId);
    expect([referral?.agentId, referral?.source]).to.deep.equal([aliceId, 'podcast']);
  });

  it('unknown, malformed and oversized slugs go home with no cookie', async () => {
    for (const path of ['/go/nobody-here', '/go/ab', `/go/${'x'.repeat(300)}`, '/go/%3Cscript%3E', `/go/bob?aff=${bobId}`]) {
      const res = await visit(path);
      expect(res.status, path).to.equal(302);
      expect(res.headers.location, path).to.equal('/');
      expect(res.headers['set-cookie'], path).to.equal(undefined);
    }
  });

  it('every agent has /r/<referral code> from the start: shown on their page, typed in any case, with src= and to=', async () => {
    const code = (await f.host.agentTools.services.agents.get(bobId))!.referralCode!;
    const bob = await session(f.host, { email: 'bob@example.com' });
    expect((await bob.agent.get(`${CLIENT_PAGE}&action=links`)).text).to.contain(`value="http://billing.test/r/${code}"`);
    await current().db(T.clicks).delete();
    const typed = `${code.slice(0, 4).toLowerCase()}-${code.slice(4)}`;
    const res = await visit(`/r/${typed}?src=flyer&to=${encodeURIComponent('/pricing')}`);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/pricing');
    expect(String(res.headers['set-cookie'])).to.contain(`agenttools_ref=${bobId}.`);
    await f.host.agentTools.services.clicks.flush();
    expect((await current().db(T.clicks).where({ agent_id: bobId })).map((c) => c.source)).to.deep.equal(['flyer']);
    for (const path of ['/r/AAAAAAAA', '/r/ACDEFGH', `/r/${'A'.repeat(300)}`, '/r/%3Cscript%3E', `/r/${bobId}`]) {
      const other = await visit(path);
      expect([other.status, other.headers.location, other.headers['set-cookie']], path).to.deep.equal([302, '/', undefined]);
    }
  });

  it('a slug is unique: another agent asking for a taken one (even pending) is told beside the field', async () => {
    const bob = await session(f.host, { email: 'bob@example.com' });
    const taken = await bob.post(CLIENT_PAGE, `${CLIENT_PAGE}&action=requestSlug`, { slug: 'alice-cloud' });
    expect(taken.status).to.equal(422);
    expect(taken.text).to.contain('role="alert">This link is taken; choose another.</span>');
    const reserved = await bob.post(CLIENT_PAGE, `${CLIENT_PAGE}&action=requestSlug`, { slug: 'support' });
    expect(reserved.status).to.equal(422);
    expect(reserved.text).to.contain('This word is reserved; choose another.');
    const hostile = await bob.post(CLIENT_PAGE, `${CLIENT_PAGE}&action=requestSlug`, { slug: '"><script>x</script>' });
    expect(hostile.status).to.equal(422);
    expect(hostile.text).not.to.contain('<script>x</script>');
    expect(hostile.text).to.contain('&#34;&gt;&lt;script&gt;');
    expect((await f.host.agentTools.services.agents.get(bobId))?.slug).to.equal(null);
    // The constraint itself, not only the check before it.
    let refused = false;
    await current()
      .db(T.agents)
      .where({ id: bobId })
      .update({ slug: 'alice-cloud' })
      .catch(() => (refused = true));
    expect(refused).to.equal(true);
  });

  it("with slug_approval auto a slug works at once; an admin's withdrawal stops it at once on this node", async () => {
    const saved = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setSignUpSettings`, { slug_approval: 'auto', self_referral: 'reject' });
    expect(saved.status).to.equal(303);
    const bob = await session(f.host, { email: 'bob@example.com' });
    const asked = await bob.post(CLIENT_PAGE, `${CLIENT_PAGE}&action=requestSlug`, { slug: 'bob-hosting' });
    expect(asked.status).to.equal(303);
    expect((await bob.agent.get(asked.headers.location as string)).text).to.contain('Your short link /go/bob-hosting works now.');
    expect(String((await visit('/go/bob-hosting')).headers['set-cookie'])).to.contain(`agenttools_ref=${bobId}.`);
    const withdrawn = await admin.post(`${ADMIN_PAGE}&action=agent&id=${bobId}`, `${ADMIN_PAGE}&action=rejectSlug`, { agent_id: bobId });
    expect(withdrawn.status).to.equal(303);
    const after = await visit('/go/bob-hosting');
    expect(after.headers.location).to.equal('/');
    expect(after.headers['set-cookie']).to.equal(undefined);
  });

  it("only the agent asks, only with the form's token; only an admin approves", async () => {
    const noToken = await alice.agent.post(`${CLIENT_PAGE}&action=requestSlug`).type('form').send({ slug: 'stolen' });
    expect(noToken.status).to.equal(403);
    const asClient = await alice.post(CLIENT_PAGE, `${ADMIN_PAGE}&action=approveSlug`, { agent_id: bobId });
    expect(asClient.status).to.equal(302);
    expect(asClient.headers.location).to.contain('/admin/login');
    const plain = await session(f.host);
    await signUp(f.host, plain, 'plain@example.com');
    const notAgent = await plain.post(CLIENT_PAGE, `${CLIENT_PAGE}&action=requestSlug`, { slug: 'plain-one' });
    expect(notAgent.status).to.equal(422);
    expect(notAgent.text).to.contain('Your account is not an agent account.');
    expect(await current().db(T.agents).where({ slug: 'stolen' }).first()).to.equal(undefined);
  });

  it("the slug map is cached: unknown slugs too, and another node's approval shows after the ttl", async () => {
    const clock = new ManualClock(1_000_000);
    const changes = new Changes();
    const cache = new SlugCache(current().db, changes, clock, { ttlMs: 30_000 });
    expect(await cache.lookup('carol-cloud')).to.equal(null);
    await current().db(T.agents).where({ id: bobId }).update({ slug: 'carol-cloud', slug_status: 'approved' });
    clock.set(1_029_000);
    expect(await cache.lookup('carol-cloud')).to.equal(null);
    clock.set(1_030_001);
    expect(await cache.lookup('carol-cloud')).to.equal(bobId);
    await current().db(T.agents).where({ id: bobId }).update({ slug: null, slug_status: null });
    changes.slug('carol-cloud');
    expect(await cache.lookup('carol-cloud')).to.equal(null);
  });
});
