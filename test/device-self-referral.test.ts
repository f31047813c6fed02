import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, csrfFrom, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { DEVICE_COOKIE, DeviceCookie } from '../module/attribution/device-cookie';
import { CookieSigner } from '../module/core/cookie-signer';
import { BROWSER } from './support/user-agents';

const AREA = '/index.php?m=agenttools';
const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';

describe('device cookie: its shape', () => {
  const cookie = new DeviceCookie(new CookieSigner('test-secret'));

  it('a random 43-character id and its signature; read back only as issued', () => {
    const a = cookie.issue();
    expect(a.device).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(a.value).to.match(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(cookie.read(a.value)).to.equal(a.device);
    expect(cookie.issue().device).not.to.equal(a.device);
  });

  it('a forged, re-signed elsewhere, truncated or malformed value names no device', () => {
    const { device, value } = cookie.issue();
    const other = new DeviceCookie(new CookieSigner('other-secret')).issue();
    const flipped = `${device}.${value.slice(44, -1)}${value.endsWith('A') ? 'B' : 'A'}`;
    for (const bad of [undefined, '', device, flipped, `${other.device}.${value.slice(44)}`, other.value, value.slice(0, -1), `${value}x`, `${value}.x`, '<script>.x']) {
      expect(cookie.read(bad), String(bad)).to.equal(null);
    }
  });
});

onEachDatabase("self-referral: the agent's own device", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let alice: { clientId: number; agentId: number; code: string };
  /** Alice's own browser: she has used her agent pages from it. */
  let aliceBrowser: Session;
  const core = () => f.host.agentTools.services;

  const setMode = async (mode: 'reject' | 'flag') => {
    const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setSignUpSettings`, { slug_approval: 'admin', self_referral: mode });
    expect(res.status).to.equal(303);
  };
  const logOut = async (s: Session) => {
    const res = await s.post('/', '/logout', {});
    expect(res.status).to.equal(303);
  };
  const logIn = async (s: Session, email: string) => {
    const page = await s.agent.get('/login');
    const res = await s.agent
      .post('/login')
      .type('form')
      .send({ email, password: PASSWORD, _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(303);
  };
  const register = async (s: Session, email: string, code = '') => {
    const res = await s.post('/register', '/register', { firstname: 'Friend', lastname: 'Of Alice', email, password: PASSWORD, currency: 'USD', referral_code: code });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const id = Number((await f.host.db('host_clients').where({ email }).first()).id);
    // Signing up signs in: out again, so that the browser is as it was.
    await logOut(s);
    return id;
  };
  const deviceCookie = (s: Session) => s.agent.jar.getCookie(DEVICE_COOKIE, { domain: '127.0.0.1', path: '/', script: false, secure: false })?.value;
  const withCookie = async (value: string) => {
    const s = await session(f.host);
    s.agent.jar.setCookie(`${DEVICE_COOKIE}=${value}; Path=/`, '127.0.0.1', '/');
    return s;
  };

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    const clientId = await signUp(f.host, await session(f.host), 'alice@example.com');
    const agent = await core().agents.activateForClient(clientId, (await core().programs.bySlug('default'))!.id);
    alice = { clientId, agentId: agent.id, code: agent.referralCode! };
    aliceBrowser = await session(f.host, { email: 'alice@example.com' });
  });
  after(() => f.host.stop());

  it("the agent's dashboard gives her browser a signed device cookie (HttpOnly, SameSite=Lax, two years) and records it as hers", async () => {
    const res = await aliceBrowser.agent.get(AREA);
    expect(res.status).to.equal(200);
    const set = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${DEVICE_COOKIE}=`))!;
    expect(set).to.match(/^agenttools_dev=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=63072000; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const device = deviceCookie(aliceBrowser)!.split('.')[0];
    expect((await current().db(T.agentDevices)).map((r) => [r.device, Number(r.agent_id)])).to.deep.equal([[device, alice.agentId]]);
    // The next visit keeps the same device and only moves its time.
    f.clock.advanceDays(3);
    await aliceBrowser.agent.get(AREA);
    const rows = await current().db(T.agentDevices);
    expect(rows.map((r) => [r.device, Number(r.seen_at)])).to.deep.equal([[device, f.clock.now()]]);
  });

  it("a plain client's pages give no device cookie", async () => {
    const plain = await session(f.host);
    await signUp(f.host, plain, 'plain@example.org');
    const res = await plain.agent.get(AREA);
    expect(String(res.headers['set-cookie'] ?? '')).not.to.contain(DEVICE_COOKIE);
    expect(await current().db(T.agentDevices)).to.have.length(1);
  });

  it("every agent page gives the cookie, not only the dashboard: Assets, opened first in a new browser, records it; a plain client's Assets page does not", async () => {
    const laptop = await session(f.host, { email: 'alice@example.com' });
    const res = await laptop.agent.get(`${AREA}&t=assets`);
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-testid="source-form"');
    const set = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${DEVICE_COOKIE}=`));
    expect(set).to.match(/^agenttools_dev=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=63072000; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const device = deviceCookie(laptop)!.split('.')[0];
    expect(device).not.to.equal(deviceCookie(aliceBrowser)!.split('.')[0]);
    expect(await current().db(T.agentDevices).where({ device, agent_id: alice.agentId })).to.have.length(1);
    const plain = await session(f.host, { email: 'plain@example.org' });
    const other = await plain.agent.get(`${AREA}&t=assets`);
    expect(other.status).to.equal(200);
    expect(String(other.headers['set-cookie'] ?? '')).not.to.contain(DEVICE_COOKIE);
    expect(await current().db(T.agentDevices)).to.have.length(2);
  });

  it('reject (the default): a sign-up from her browser, with her code or through her link, is not hers', async () => {
    await logOut(aliceBrowser);
    const byCode = await register(aliceBrowser, 'friend1@example.org', alice.code);
    expect(await core().assignments.forClient(byCode)).to.equal(null);
    expect(f.logger.lines.some((l) => l.message === 'self-referral not attributed: same device as the agent' && l.data?.clientId === byCode)).to.equal(true);
    await aliceBrowser.agent.get(`/aff.php?aff=${alice.agentId}`).set('User-Agent', BROWSER);
    const byLink = await register(aliceBrowser, 'friend2@example.org');
    expect(await core().assignments.forClient(byLink)).to.equal(null);
    expect(await current().db(T.referralReviews)).to.have.length(0);
  });

  it('reject: an order with her code, placed from her browser by a client without an agent, is not attributed', async () => {
    const friend = await session(f.host);
    const friendId = await signUp(f.host, friend, 'friend3@example.org');
    await logIn(aliceBrowser, 'friend3@example.org');
    expect((await aliceBrowser.post('/order', '/order', { product_id: f.productId, referral_code: alice.code })).status).to.equal(303);
    expect(await core().assignments.forClient(friendId)).to.equal(null);
    await logOut(aliceBrowser);
  });

  it('flag: the sign-up and the checkout are hers, and wait in the review queue as "same device as the agent"', async () => {
    await setMode('flag');
    const signedUp = await register(aliceBrowser, 'friend4@example.org', alice.code);
    expect((await core().assignments.forClient(signedUp))?.agentId).to.equal(alice.agentId);
    const ordering = await signUp(f.host, await session(f.host), 'friend5@example.org');
    await logIn(aliceBrowser, 'friend5@example.org');
    expect((await aliceBrowser.post('/order', '/order', { product_id: f.productId, referral_code: alice.code })).status).to.equal(303);
    await logOut(aliceBrowser);
    expect((await core().assignments.forClient(ordering))?.agentId).to.equal(alice.agentId);
    const reviews = await current().db(T.referralReviews).orderBy('id');
    expect(reviews.map((r) => [Number(r.client_id), Number(r.agent_id), r.reason, r.status])).to.deep.equal([
      [signedUp, alice.agentId, 'same device as the agent', 'open'],
      [ordering, alice.agentId, 'same device as the agent', 'open'],
    ]);
    await setMode('reject');
  });

  it('a forged device cookie, or a genuine one of a browser she never used, is ignored: the sign-up is hers as usual', async () => {
    const real = deviceCookie(aliceBrowser)!;
    const [device, mac] = real.split('.') as [string, string];
    const forged = await withCookie(`${device}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`);
    const a = await register(forged, 'stranger1@example.org', alice.code);
    expect((await core().assignments.forClient(a))?.agentId).to.equal(alice.agentId);
    const elsewhere = new DeviceCookie(new CookieSigner(await core().settings.get('cookie_secret'))).issue();
    const b = await register(await withCookie(elsewhere.value), 'stranger2@example.org', alice.code);
    expect((await core().assignments.forClient(b))?.agentId).to.equal(alice.agentId);
    expect(await current().db(T.referralReviews).whereIn('client_id', [a, b])).to.have.length(0);
  });

  it("signed in as a client, the agent's browser is not recorded for that client", async () => {
    // Wanjiru is an agent too, and lets Alice, her service manager, see her affiliate page.
    const wanjiruBrowser = await session(f.host);
    const wanjiru = await signUp(f.host, wanjiruBrowser, 'wanjiru@example.org');
    const wanjiruAgent = await core().agents.activateForClient(wanjiru, (await core().programs.bySlug('default'))!.id);
    await wanjiruBrowser.post(`${AREA}&t=serviceManager&affid=${alice.agentId}`, `${AREA}&action=serviceManagerConfirm`, { affid: alice.agentId });
    await current()
      .db(T.serviceManagers)
      .where({ client_id: wanjiru })
      .update({ permissions: JSON.stringify(['invoices', 'orders', 'affiliates']) });
    await logIn(aliceBrowser, 'alice@example.com');
    expect((await aliceBrowser.post(AREA, `${AREA}&action=signInAsClient`, { client_id: wanjiru })).status).to.equal(303);
    const page = await aliceBrowser.agent.get(AREA);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('data-testid="sign-in-banner"');
    expect(String(page.headers['set-cookie'] ?? '')).not.to.contain(DEVICE_COOKIE);
    expect(await current().db(T.agentDevices).where({ agent_id: wanjiruAgent.id })).to.have.length(0);
  });
});
