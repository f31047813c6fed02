import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, agentAccount } from './support/host-fixture';
import { T } from '../module/db/tables';
import { ClickDedupe } from '../module/tracking/click-dedupe';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0';
// One of each kind that test/bots.test.ts lists, through the whole link.
const BOTS = [
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  'Mozilla/5.0 (Windows NT 6.1) SkypeUriPreview Preview/0.5',
  'Sogou web spider/4.0',
  'ia_archiver crawler',
  'curl/8.5.0',
  'Wget/1.21.4',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36',
];

describe('the click dedupe map', () => {
  const click = (uid: string) => ({ uid, clickedAt: 0, source: 'Default' });

  it('remembers a visitor for the window and forgets them after it', () => {
    const d = new ClickDedupe(3_600_000, 10);
    d.remember('k', click('u1'), 1_000);
    expect(d.find('k', 1_000 + 3_599_999)?.uid).to.equal('u1');
    expect(d.find('k', 1_000 + 3_600_000)).to.equal(undefined);
  });

  it('stays within its size: a flood of 1,000 visitors keeps the newest 100 and drops the oldest', () => {
    const d = new ClickDedupe(3_600_000, 100);
    for (let i = 0; i < 1000; i++) d.remember(`k${i}`, click(`u${i}`), i);
    expect(d.size()).to.be.at.most(100);
    expect(d.find('k999', 1000)?.uid).to.equal('u999');
    expect(d.find('k0', 1000)).to.equal(undefined);
  });

  it('a visitor remembered twice keeps the newer entry when the older one expires', () => {
    const d = new ClickDedupe(1_000, 100);
    d.remember('k', click('old'), 0);
    d.remember('k', click('new'), 500);
    d.remember('other', click('other'), 1_200);
    expect(d.find('k', 1_300)?.uid).to.equal('new');
    expect(d.size()).to.equal(2);
  });

  it('drops expired visitors as new ones come, so a quiet hour empties it', () => {
    const d = new ClickDedupe(1_000, 100);
    for (let i = 0; i < 50; i++) d.remember(`k${i}`, click(`u${i}`), i);
    d.remember('late', click('late'), 10_000);
    expect(d.size()).to.equal(1);
  });
});

onEachDatabase('click hygiene on /aff.php', ({ current }) => {
  let f: Fixture;
  let agentId: number;
  const stored = async () => {
    await f.host.agentTools.services.clicks.flush();
    return current().db(T.clicks).where({ agent_id: agentId }).orderBy('id');
  };

  before(async () => {
    f = await startHost(current().db);
    ({ agentId } = await agentAccount(f.host, 'agent@example.com'));
  });
  beforeEach(async () => {
    await current().db(T.clicks).delete();
    // A fresh hour for each test: the dedupe window of the one before has passed.
    f.clock.set(f.clock.now() + 2 * 3_600_000);
  });
  after(() => f.host.stop());

  it('a bot or crawler is redirected but gets no cookie and is not recorded; a browser after it is', async () => {
    for (const ua of BOTS) {
      const res = await request(f.host.app).get(`/aff.php?aff=${agentId}`).set('User-Agent', ua);
      expect(res.status, ua).to.equal(302);
      expect(res.headers.location, ua).to.equal('/');
      expect(res.headers['set-cookie'], ua).to.equal(undefined);
    }
    expect(await stored()).to.have.length(0);
    const res = await request(f.host.app).get(`/aff.php?aff=${agentId}`).set('User-Agent', CHROME);
    expect(String(res.headers['set-cookie'])).to.contain(`agenttools_ref=${agentId}.`);
    expect((await stored()).map((c) => c.user_agent)).to.deep.equal([CHROME]);
  });

  it('a visitor with the cookie who clicks three times in an hour counts once; after the hour, again', async () => {
    const visitor = await session(f.host);
    for (let i = 0; i < 3; i++) {
      const res = await visitor.agent
        .get(`/aff.php?aff=${agentId}`)
        .set('User-Agent', CHROME)
        .set('X-Forwarded-For', `198.51.100.${i + 1}`);
      expect(res.status).to.equal(302);
      f.clock.set(f.clock.now() + 20 * 60_000);
    }
    expect(await stored()).to.have.length(1);
    f.clock.set(f.clock.now() + 5 * 60_000);
    await visitor.agent.get(`/aff.php?aff=${agentId}`).set('User-Agent', CHROME);
    expect(await stored()).to.have.length(2);
  });

  it('without a cookie, the same IP and user agent count once; another user agent or another IP counts', async () => {
    const hit = (ua: string, ip: string) => request(f.host.app).get(`/aff.php?aff=${agentId}`).set('User-Agent', ua).set('X-Forwarded-For', ip);
    const first = await hit(CHROME, '203.0.113.7');
    const again = await hit(CHROME, '203.0.113.7');
    await hit(FIREFOX, '203.0.113.7');
    await hit(CHROME, '203.0.113.8');
    const rows = await stored();
    expect(rows.map((c) => [c.ip, c.user_agent])).to.deep.equal([
      ['203.0.113.7', CHROME],
      ['203.0.113.7', FIREFOX],
      ['203.0.113.8', CHROME],
    ]);
    // The repeat gets the cookie of the click that counted, so a sign-up names a stored click.
    const cookieOf = (res: request.Response) => /agenttools_ref=([^;]+)/.exec(String(res.headers['set-cookie']))![1];
    expect(cookieOf(again)).to.equal(cookieOf(first));
    expect(cookieOf(first)).to.contain(`.${rows[0]!.uid}.`);
  });

  it('a visitor who clicks twice and signs up is referred with the click that was stored', async () => {
    const visitor = await session(f.host);
    await visitor.agent.get(`/aff.php?aff=${agentId}`).set('User-Agent', CHROME);
    await visitor.agent.get(`/aff.php?aff=${agentId}`).set('User-Agent', CHROME);
    const clientId = await signUp(f.host, visitor, 'twice@example.com');
    const rows = await stored();
    expect(rows).to.have.length(1);
    const referral = await f.host.agentTools.services.assignments.forClient(clientId);
    expect([referral?.agentId, referral?.clickUid]).to.deep.equal([agentId, rows[0]!.uid]);
  });

  it('header values are stored cut to their columns, whatever they hold', async () => {
    // After a browser's name: a user agent of markup alone reads as a bot, and is not stored at all.
    const ua = `${FIREFOX} <script>alert(1)</script>${'A'.repeat(1000)}`;
    const referer = `https://evil.example/"><img src=x onerror=alert(2)>${'B'.repeat(1000)}`;
    const xff = `<svg onload=alert(3)>${'C'.repeat(100)}`;
    const res = await request(f.host.app).get(`/aff.php?aff=${agentId}`).set('User-Agent', ua).set('Referer', referer).set('X-Forwarded-For', xff);
    expect(res.status).to.equal(302);
    const [row] = await stored();
    expect([row.user_agent, row.referer, row.ip]).to.deep.equal([ua.slice(0, 255), referer.slice(0, 255), xff.slice(0, 45)]);
  });
});
