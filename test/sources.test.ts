import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session, agentAccount } from './support/host-fixture';
import { T, MIGRATIONS_TABLE } from '../module/db/tables';
import { migrationSource } from '../module/db/migrations';
import { ReferralCookie } from '../module/tracking/referral-cookie';
import { clickSource } from '../module/tracking/source';
import { CookieSigner } from '../module/core/cookie-signer';
import { BROWSER } from './support/user-agents';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const DAY = 86_400_000;

describe('link sources', () => {
  it('a source is 1 to 32 letters, digits, - and _, in any case; anything else is Default', () => {
    for (const ok of ['newsletter', 'yt_2026-03', 'a', 'x'.repeat(32)]) expect(clickSource(ok)).to.equal(ok);
    expect([clickSource('NewsLetter'), clickSource('DEFAULT'), clickSource('default')]).to.deep.equal(['newsletter', 'Default', 'Default']);
    for (const bad of [undefined, '', 'x'.repeat(33), 'a b', 'a.b', '<script>', 'Ünïcode', ['a', 'b'], { a: '1' }]) expect(clickSource(bad)).to.equal('Default');
  });

  it('the referral cookie carries the source under its signature, and cookies without one still read', () => {
    const cookies = new ReferralCookie(new CookieSigner('test-secret'));
    const now = Date.UTC(2026, 0, 5);
    const tagged = cookies.sign({ agentId: 7, clickUid: 'abcdefghijkl', clickedAt: now, source: 'newsletter' });
    expect(tagged).to.match(/^7\.abcdefghijkl\.\d+\.newsletter\.[A-Za-z0-9_-]{43}$/);
    expect(cookies.read(tagged, now, 90 * DAY)).to.deep.equal({ agentId: 7, clickUid: 'abcdefghijkl', clickedAt: now, source: 'newsletter' });
    expect(cookies.read(tagged.replace('.newsletter.', '.facebook.'), now, 90 * DAY)).to.equal(null);
    // Dropping the source does not make a valid untagged cookie: the signature covers it.
    expect(cookies.read(tagged.replace('.newsletter.', '.'), now, 90 * DAY)).to.equal(null);
    const untagged = cookies.sign({ agentId: 7, clickUid: 'abcdefghijkl', clickedAt: now, source: 'Default' });
    expect(untagged.split('.')).to.have.length(4);
    expect(cookies.read(untagged, now, 90 * DAY)).to.deep.equal({ agentId: 7, clickUid: 'abcdefghijkl', clickedAt: now });
  });
});

onEachDatabase('sources: clicks and sign-ups per src=', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentId: number;
  let agentSession: Session;
  const click = (path: string, ip: string) => request(f.host.app).get(path).set('User-Agent', BROWSER).set('X-Forwarded-For', ip);

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    ({ agentId } = await agentAccount(f.host, 'agent@example.com'));
    agentSession = await session(f.host, { email: 'agent@example.com' });
  });
  after(() => f.host.stop());

  it('each click stores its source; an invalid or missing src= counts as Default', async () => {
    await click(`/aff.php?aff=${agentId}&src=newsletter`, '198.51.100.1');
    await click(`/aff.php?aff=${agentId}&src=newsletter`, '198.51.100.2');
    await click(`/aff.php?aff=${agentId}&src=YT_2026-03`, '198.51.100.3');
    await click(`/aff.php?aff=${agentId}`, '198.51.100.4');
    await click(`/aff.php?aff=${agentId}&src=%3Cscript%3E`, '198.51.100.5');
    await click(`/aff.php?aff=${agentId}&src=${'x'.repeat(33)}`, '198.51.100.6');
    await f.host.agentTools.services.clicks.flush();
    const rows = await current().db(T.clicks).where({ agent_id: agentId }).orderBy('id');
    expect(rows.map((r) => r.source)).to.deep.equal(['newsletter', 'newsletter', 'yt_2026-03', 'Default', 'Default', 'Default']);
  });

  it('a sign-up stores the source of the winning click; an untagged one Default; an admin assignment none', async () => {
    const tagged = await session(f.host);
    await tagged.agent.get(`/aff.php?aff=${agentId}&src=newsletter`).set('User-Agent', BROWSER).set('X-Forwarded-For', '198.51.100.11');
    const a = await signUp(f.host, tagged, 'from-newsletter@example.com');
    const plain = await session(f.host);
    await plain.agent.get(`/aff.php?aff=${agentId}`).set('User-Agent', BROWSER).set('X-Forwarded-For', '198.51.100.12');
    const b = await signUp(f.host, plain, 'untagged@example.com');
    const c = await signUp(f.host, await session(f.host), 'assigned@example.com');
    await f.host.agentTools.services.assignments.assign(c, agentId, 'admin', 'moved from a reseller');
    const source = async (clientId: number) => (await f.host.agentTools.services.assignments.forClient(clientId))?.source;
    expect([await source(a), await source(b), await source(c)]).to.deep.equal(['newsletter', 'Default', null]);
  });

  it("the last click wins with its source: a visitor who came by the newsletter and then by YouTube is YouTube's", async () => {
    const visitor = await session(f.host);
    await visitor.agent.get(`/aff.php?aff=${agentId}&src=newsletter`).set('User-Agent', BROWSER).set('X-Forwarded-For', '198.51.100.21');
    f.clock.set(f.clock.now() + 2 * 3_600_000);
    await visitor.agent.get(`/aff.php?aff=${agentId}&src=youtube`).set('User-Agent', BROWSER).set('X-Forwarded-For', '198.51.100.21');
    const client = await signUp(f.host, visitor, 'two-sources@example.com');
    expect((await f.host.agentTools.services.assignments.forClient(client))?.source).to.equal('youtube');
  });

  it("the admin agent page and the agent's own page show clicks and sign-ups per source", async () => {
    await f.host.agentTools.services.clicks.flush();
    const rows = (html: string, testid: string) => {
      const start = html.indexOf(`data-testid="${testid}"`);
      expect(start, testid).to.be.greaterThan(-1);
      return [...html.slice(start, html.indexOf('</table>', start)).matchAll(/<tr><td[^>]*>([^<]+)<\/td><td[^>]*>(\d+)<\/td><td[^>]*>(\d+)<\/td><\/tr>/g)].map((m) => [
        m[1],
        Number(m[2]),
        Number(m[3]),
      ]);
    };
    const expected = [
      ['Default', 4, 1],
      ['newsletter', 4, 1],
      ['youtube', 1, 1],
      ['yt_2026-03', 1, 0],
    ];
    // The agent's Links page: the same figures, each row with what the source earned (nothing here) after them.
    const links = (await agentSession.agent.get('/index.php?m=agenttools&action=links')).text;
    const start = links.indexOf('data-testid="sources"');
    expect(start).to.be.greaterThan(-1);
    const agentRows = [
      ...links
        .slice(start, links.indexOf('</table>', start))
        .matchAll(/<tr data-testid="source-[^"]+"><td data-label="[^"]*">([^<]+)<\/td><td data-label="[^"]*">(\d+)<\/td><td data-label="[^"]*">(\d+)<\/td>/g),
    ];
    expect(agentRows.map((m) => [m[1], Number(m[2]), Number(m[3])])).to.deep.equal(expected);
    expect(rows((await admin.agent.get(`${ADMIN_PAGE}&action=agent&id=${agentId}`)).text, 'agent-sources')).to.deep.equal(expected);
  });
});

onEachDatabase('sources: the 002 migration on data from before it', ({ current }) => {
  it('old clicks and cookie referrals become Default; an admin assignment keeps no source', async () => {
    const db = current().db;
    await db.migrate.up({ migrationSource, tableName: MIGRATIONS_TABLE });
    await db(T.clicks).insert({ agent_id: 1, uid: 'olduid000001', created_at: 1, ip: '203.0.113.1', user_agent: 'ua', referer: '' });
    const referral = { agent_id: 1, program_id: 1, terms_version: 1, created_at: 1 };
    await db(T.referrals).insert([
      { ...referral, client_id: 10, click_uid: 'olduid000001', clicked_at: 1, rule: 'last_click' },
      { ...referral, client_id: 11, click_uid: null, clicked_at: null, rule: 'admin' },
    ]);
    await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
    expect((await db(T.clicks).first()).source).to.equal('Default');
    expect((await db(T.referrals).orderBy('client_id')).map((r) => r.source)).to.deep.equal(['Default', null]);
  });
});
