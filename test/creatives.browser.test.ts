import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { PASSWORD } from './support/host-fixture';
import { png } from './support/test-images';
import { createHost, type Host } from '../host/app';
import { hashPassword } from '../host/auth/passwords';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';

/** The agent's own site: another host name (mapped to this machine in Chromium), so another origin and site. */
const AGENT_SITE = 'agent-blog.test';
// A headless browser says so in its user agent, and the module counts no click from one.
const VISITOR_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const ALT = 'Cloud "Pro" servers <from> $5 & up';

/** The width an <img> was drawn at, 0 until it loaded (the project compiles without the DOM's types). */
const drawnWidth = (img: unknown) => {
  const i = img as { complete: boolean; naturalWidth: number };
  return i.complete ? i.naturalWidth : 0;
};

/** A free port, so that the site's own URL (in the embed code) is known before it starts. */
async function freePort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

async function listen(server: Server, port = 0): Promise<number> {
  server.listen(port, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return (server.address() as AddressInfo).port;
}

onEachDatabase("in Chromium: admin uploads a banner → agent copies its code → a visitor clicks it on the agent's site → signs up under the source", ({ current }) => {
  let host: Host;
  let site: Server;
  let agentSite: Server;
  let base: string;
  let browser: Browser;
  let agentId: number;
  let snippet = '';

  before(async function () {
    skipUnlessChromium(this);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    host = await createHost({ db: current().db, logger: new MemoryLogger(), siteUrl: base, module: { clickFlushMs: 60_000 } });
    await current()
      .db('host_admins')
      .insert({ username: 'admin', password_hash: await hashPassword(PASSWORD) });
    site = http.createServer(host.app);
    await listen(site, port);
    const agentClient = await host.billing.createClient({ firstname: 'Amani', lastname: 'Agent', email: 'amani@example.com', password: PASSWORD, phonenumber: '', currency: 'USD' });
    agentId = (await host.agentTools.services.agents.activateForClient(agentClient, (await host.agentTools.services.programs.bySlug('default'))!.id)).id;
    // The agent's blog: a page holding exactly the code the agent copied.
    agentSite = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><title>Amani's blog</title></head><body><h1>Amani's blog</h1>\n${snippet}\n</body></html>`);
    });
    await listen(agentSite);
    browser = await launchChromium([`--host-resolver-rules=MAP ${AGENT_SITE} 127.0.0.1`]);
  });
  after(async () => {
    await browser?.close();
    site?.close();
    agentSite?.close();
    await host?.stop();
  });

  const newPage = async (options: Parameters<Browser['newContext']>[0] = {}): Promise<Page> => (await browser.newContext(options)).newPage();

  it('walks the whole flow', async () => {
    // The admin uploads the banner through the form, with a file from disk as a person would.
    const admin = await newPage();
    await admin.goto(`${base}/admin/login`);
    await admin.fill('#username', 'admin');
    await admin.fill('#password', PASSWORD);
    await admin.getByRole('button', { name: 'Log in' }).click();
    await admin.goto(`${base}/admin/addonmodules.php?module=agenttools`);
    await admin.locator('[data-testid="admin-nav-creatives"]').click();
    await admin.fill('#image_name', 'Leaderboard');
    await admin.fill('#image_alt', ALT);
    await admin.fill('#image_landing', '/register');
    await admin.setInputFiles('#image_file', { name: 'leaderboard.png', mimeType: 'image/png', buffer: png(468, 60) });
    await admin.getByRole('button', { name: 'Upload banner' }).click();
    await admin.waitForURL(/done=uploaded/);
    const table = admin.locator('[data-testid="creatives"]');
    expect(await table.innerText()).to.contain('468 × 60 pixels');
    expect(await table.locator('img').evaluate(drawnWidth)).to.equal(468);
    const creativeId = Number((await current().db(T.creatives).first('id')).id);

    // The agent opens Assets from the dashboard, asks for source "blog" and copies the code.
    const agent = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    await agent.goto(`${base}/login`);
    await agent.fill('#email', 'amani@example.com');
    await agent.fill('#password', PASSWORD);
    await agent.getByRole('button', { name: 'Log in' }).click();
    await agent.goto(`${base}/index.php?m=agenttools`);
    await agent.getByRole('link', { name: 'Banners and links' }).click();
    await agent.fill('#src', 'blog');
    await agent.getByRole('button', { name: 'Show codes' }).click();
    await agent.waitForURL(/src=blog/);
    const card = agent.locator(`[data-testid="creative-${creativeId}"]`);
    expect(await card.locator('[data-testid="size"]').innerText()).to.equal('468 × 60 pixels');
    snippet = await card.locator('textarea').inputValue();
    expect(snippet).to.equal(
      `<a href="${base}/aff.php?aff=${agentId}&amp;src=blog&amp;to=%2Fregister"><img src="${base}/modules/addons/agenttools/creative/${creativeId}" width="468" height="60" alt="Cloud &quot;Pro&quot; servers &lt;from&gt; $5 &amp; up"></a>`,
    );
    await card.getByRole('button', { name: 'Copy' }).click();
    await card.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await agent.evaluate('navigator.clipboard.readText()')).to.equal(snippet);

    // A visitor reads the agent's blog, on another site: the banner shows, and nothing runs.
    const visitor = await newPage({ userAgent: VISITOR_UA });
    const blog = `http://${AGENT_SITE}:${(agentSite.address() as AddressInfo).port}/`;
    await visitor.goto(blog);
    const banner = visitor.locator('a > img');
    await banner.waitFor();
    expect(await banner.evaluate(drawnWidth)).to.equal(468);
    expect(await banner.getAttribute('alt')).to.equal(ALT);
    expect(await visitor.evaluate('document.scripts.length')).to.equal(0);

    // The click lands on the site's sign-up page with the referral cookie.
    await banner.click();
    await visitor.waitForURL(`${base}/register`);
    const cookies = await visitor.context().cookies(base);
    expect(cookies.find((c) => c.name === REFERRAL_COOKIE)?.value).to.match(new RegExp(`^${agentId}\\.[^.]+\\.\\d+\\.blog\\.`));
    await visitor.fill('#firstname', 'Wanjiru');
    await visitor.fill('#lastname', 'Visitor');
    await visitor.fill('#email', 'wanjiru@example.com');
    await visitor.fill('#password', PASSWORD);
    await visitor.getByRole('button', { name: 'Create account' }).click();
    await visitor.waitForURL(/\/clientarea$/);

    // The sign-up is the agent's, under "blog": in the database and on the agent's Links page, with no earnings yet.
    const client = await current().db('host_clients').where({ email: 'wanjiru@example.com' }).first();
    const referral = await current().db(T.referrals).where({ client_id: client.id }).first();
    expect([Number(referral.agent_id), referral.source]).to.deep.equal([agentId, 'blog']);
    await host.agentTools.services.clicks.flush();
    await agent.goto(`${base}/index.php?m=agenttools&action=links`);
    const blogRow = agent.locator('[data-testid="sources"] tr', { hasText: 'blog' });
    expect((await blogRow.locator('td').allInnerTexts()).map((t) => t.trim())).to.deep.equal(['blog', '1', '1', 'USD\u00a00.00']);
  });
});
