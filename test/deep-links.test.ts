import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, startHost, type Session, agentAccount } from './support/host-fixture';
import { T } from '../module/db/tables';
import { deepLinkTarget } from '../module/tracking/deep-link';
import { BROWSER } from './support/user-agents';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const ALLOWED = new Set(['shop.example.com']);

/** Targets that must never leave the visitor anywhere but home. */
const REFUSED = [
  'https://evil.example/',
  'http://evil.example/cart',
  '//evil.example/',
  '///evil.example/',
  '/\\evil.example/',
  '\\\\evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  ' /pricing',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(document.cookie)',
  'data:text/html,<script>alert(1)</script>',
  'ftp://shop.example.com/',
  'https://shop.example.com@evil.example/',
  'https://user:pass@shop.example.com/',
  'https://evil.example\\@shop.example.com/',
  'https://shop.example.com.evil.example/',
  'https:shop.example.com',
  'https:/shop.example.com',
  'evil.example',
  'pricing',
  `/${'a'.repeat(2000)}`,
  '',
];

describe('deep-link targets', () => {
  it('a path on this site is kept as it is', () => {
    for (const to of ['/', '/cart.php?a=add&pid=3', '/pricing#cloud', `/${'a'.repeat(1999)}`]) expect(deepLinkTarget(to, ALLOWED)).to.equal(to);
  });

  it('a URL on an allowed host is kept, in its parsed form', () => {
    expect(deepLinkTarget('https://shop.example.com/promo?x=1', ALLOWED)).to.equal('https://shop.example.com/promo?x=1');
    expect(deepLinkTarget('HTTPS://SHOP.Example.COM:8443/a', ALLOWED)).to.equal('https://shop.example.com:8443/a');
  });

  it('anything else goes home: foreign hosts, //host, backslashes, scripts, control characters, over 2,000 characters', () => {
    for (const to of REFUSED) expect(deepLinkTarget(to, ALLOWED), JSON.stringify(to)).to.equal('/');
    for (const to of [undefined, null, 42, ['/a', '/b'], { to: '/a' }]) expect(deepLinkTarget(to, ALLOWED)).to.equal('/');
  });

  it('with an empty allow-list no URL is allowed, not even a well-formed one', () => {
    expect(deepLinkTarget('https://shop.example.com/', new Set())).to.equal('/');
  });
});

onEachDatabase('deep links on /aff.php', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentId: number;
  let ip = 0;
  // Each request its own visitor, so that every click counts and gets a cookie.
  const follow = (query: string) => request(f.host.app).get(`/aff.php?aff=${agentId}&${query}`).set('User-Agent', BROWSER).set('X-Forwarded-For', `198.51.100.${++ip}`);

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    ({ agentId } = await agentAccount(f.host, 'agent@example.com'));
  });
  after(() => f.host.stop());

  it('a same-site path is followed, with the cookie set and the click counted', async () => {
    await current().db(T.clicks).delete();
    const res = await follow(`to=${encodeURIComponent('/cart.php?a=add&pid=3')}`);
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/cart.php?a=add&pid=3');
    expect(String(res.headers['set-cookie'])).to.contain(`agenttools_ref=${agentId}.`);
    await f.host.agentTools.services.clicks.flush();
    expect(await current().db(T.clicks).where({ agent_id: agentId })).to.have.length(1);
  });

  it('a URL on another host goes home until an admin allows the host, then to the URL', async () => {
    const to = `to=${encodeURIComponent('https://shop.example.com/promo?x=1')}`;
    expect((await follow(to)).headers.location).to.equal('/');
    const saved = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setLinkHosts`, { link_hosts: ' Shop.Example.com, docs.example.com ' });
    expect(saved.status).to.equal(303);
    expect(await f.host.agentTools.services.settings.get('link_hosts')).to.equal('shop.example.com,docs.example.com');
    expect((await follow(to)).headers.location).to.equal('https://shop.example.com/promo?x=1');
    expect((await admin.agent.get(`${ADMIN_PAGE}&action=settings`)).text).to.contain('value="shop.example.com, docs.example.com"');
  });

  it('the allow-list form refuses what is not a host name, beside the field, and keeps the list', async () => {
    for (const bad of ['evil.example/path', 'https://shop.example.com', 'a b.example', '<script>']) {
      const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=setLinkHosts`, { link_hosts: bad });
      expect(res.status, bad).to.equal(422);
      expect(res.text, bad).to.match(/role="alert"[^>]*>host names such as shop\.example\.com, separated by commas<\/span>/);
    }
    expect(await f.host.agentTools.services.settings.get('link_hosts')).to.equal('shop.example.com,docs.example.com');
  });

  for (const to of REFUSED) {
    it(`to=${JSON.stringify(to.slice(0, 40))} goes home`, async () => {
      const res = await follow(`to=${encodeURIComponent(to)}`);
      expect(res.status).to.equal(302);
      expect(res.headers.location).to.equal('/');
    });
  }

  it('a repeated to= parameter goes home', async () => {
    const res = await follow('to=/a&to=/b');
    expect(res.headers.location).to.equal('/');
  });

  it("an unknown agent's deep link sets no cookie but still leads to the safe page", async () => {
    const res = await request(f.host.app)
      .get(`/aff.php?aff=99999&to=${encodeURIComponent('/pricing')}`)
      .set('User-Agent', BROWSER);
    expect(res.headers.location).to.equal('/pricing');
    expect(res.headers['set-cookie']).to.equal(undefined);
    const foreign = await request(f.host.app)
      .get(`/aff.php?aff=99999&to=${encodeURIComponent('https://evil.example/')}`)
      .set('User-Agent', BROWSER);
    expect(foreign.headers.location).to.equal('/');
  });
});
