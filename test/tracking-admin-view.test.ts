import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, startHost, type Session, agentAccount } from './support/host-fixture';
import { BROWSER } from './support/user-agents';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';

/** The panel of the admin agent page with the given data-testid, up to its table's end. */
function table(html: string, testid: string): string {
  const start = html.indexOf(`data-testid="${testid}"`);
  expect(start, `table ${testid}`).to.be.greaterThan(-1);
  return html.slice(start, html.indexOf('</table>', start));
}

onEachDatabase('the admin Clicks view', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentId: number;
  let agentPage: string;

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    ({ agentId } = await agentAccount(f.host, 'agent@example.com'));
    agentPage = `${ADMIN_PAGE}&action=agent&id=${agentId}`;
  });
  after(() => f.host.stop());

  it('shows a hostile user agent, referer and forwarded address escaped, never as markup', async () => {
    const ua = `${BROWSER} <script>alert(1)</script>`;
    const referer = `https://evil.example/?q="quoted" & 'single' <b>`;
    const xff = '<img src=x onerror=alert(2)>';
    await request(f.host.app).get(`/aff.php?aff=${agentId}&src=launch`).set('User-Agent', ua).set('Referer', referer).set('X-Forwarded-For', xff);
    await f.host.agentTools.services.clicks.flush();
    const page = (await admin.agent.get(agentPage)).text;
    const clicks = table(page, 'agent-clicks');
    expect(clicks).to.contain(' &lt;script&gt;alert(1)&lt;/script&gt;</td>');
    expect(clicks).not.to.contain('<script>');
    expect(clicks).to.contain('">https://evil.example/?q=&#34;quoted&#34; &amp; &#39;single&#39; &lt;b&gt;</td>');
    expect(clicks).to.contain('">&lt;img src=x onerror=alert(2)&gt;</td>');
    expect(clicks).to.contain('">launch</td>');
    expect(clicks).to.contain('">2026-01-05 10:00:00</td>');
    for (const raw of [ua, referer, xff, '"quoted"', '<b>']) expect(page).not.to.contain(raw);
  });

  it('lists the last 50 clicks, newest first', async () => {
    const core = f.host.agentTools.services;
    const start = f.clock.now();
    for (let i = 1; i <= 55; i++) {
      f.clock.set(start + i * 1000);
      await core.tracking.click(String(agentId), { ip: `198.51.100.${i}`, userAgent: BROWSER, referer: '' });
    }
    await core.clicks.flush();
    const clicks = table((await admin.agent.get(agentPage)).text, 'agent-clicks');
    const ips = [...clicks.matchAll(/<td[^>]*>(198\.51\.100\.\d+)<\/td>/g)].map((m) => m[1]);
    expect(ips).to.have.length(50);
    expect(ips[0]).to.equal('198.51.100.55');
    expect(ips[49]).to.equal('198.51.100.6');
  });
});
