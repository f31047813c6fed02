import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { PASSWORD } from './support/host-fixture';
import { createHost, type Host } from '../host/app';
import { hashPassword } from '../host/auth/passwords';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';

onEachDatabase('in Chromium: the admin picks a client by typing a name and assigns them to an agent', ({ current }) => {
  let host: Host;
  let site: Server;
  let base: string;
  let browser: Browser;
  let agentId: number;
  let wanjiruId: number;

  before(async function () {
    skipUnlessChromium(this);
    host = await createHost({ db: current().db, logger: new MemoryLogger(), siteUrl: 'http://billing.test', module: { clickFlushMs: 60_000 } });
    await current()
      .db('host_admins')
      .insert({ username: 'admin', password_hash: await hashPassword(PASSWORD) });
    site = http.createServer(host.app);
    site.listen(0, '127.0.0.1');
    await new Promise((r) => site.once('listening', r));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const amani = await host.billing.createClient({ firstname: 'Amani', lastname: 'Agent', email: 'amani@example.com', password: PASSWORD, phonenumber: '', currency: 'USD' });
    agentId = (await host.agentTools.services.agents.activateForClient(amani, (await host.agentTools.services.programs.bySlug('default'))!.id)).id;
    wanjiruId = await host.billing.createClient({ firstname: 'Wanjiru', lastname: 'Kamau', email: 'wanjiru@example.com', password: PASSWORD, phonenumber: '', currency: 'USD' });
    await host.billing.createClient({ firstname: 'Wanda', lastname: 'Other', email: 'wanda@example.com', password: PASSWORD, phonenumber: '', currency: 'USD' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    site?.close();
    await host?.stop();
  });

  it('searches as the admin types, is usable with the keyboard, and posts the chosen id', async () => {
    const page: Page = await (await browser.newContext()).newPage();
    const confirmations: string[] = [];
    page.on('dialog', (d) => {
      confirmations.push(d.message());
      d.accept().catch(() => undefined);
    });
    await page.goto(`${base}/admin/login`);
    await page.fill('#username', 'admin');
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.goto(`${base}/admin/addonmodules.php?module=agenttools&action=agent&id=${agentId}`);

    const input = page.getByRole('combobox', { name: 'Assign a client' });
    await input.pressSequentially('wan', { delay: 30 });
    await page.waitForFunction(`document.querySelectorAll('#assign-client-listbox [role="option"]').length === 2`);
    expect(await page.locator('#assign-client-listbox').getByRole('option').allInnerTexts()).to.have.members([
      'Wanjiru Kamau wanjiru@example.com · #' + wanjiruId,
      'Wanda Other wanda@example.com · #' + (wanjiruId + 1),
    ]);
    expect(await input.getAttribute('aria-expanded')).to.equal('true');
    // Narrowing the search: only Wanjiru is left; the arrow keys choose her, Enter takes her.
    await input.pressSequentially('j', { delay: 30 });
    await page.waitForFunction(`document.querySelectorAll('#assign-client-listbox [role="option"]').length === 1`);
    await input.press('ArrowDown');
    const active = await input.getAttribute('aria-activedescendant');
    expect(await page.locator(`#${active}`).innerText()).to.contain('Wanjiru Kamau');
    await input.press('Enter');
    expect(await input.inputValue()).to.equal('Wanjiru Kamau <wanjiru@example.com>');
    expect(await input.getAttribute('aria-expanded')).to.equal('false');
    expect(await page.locator('#assign-client-id').inputValue()).to.equal(String(wanjiruId));

    await page.fill('#assign-reason', 'moved from a reseller');
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.waitForURL(/done=assigned/);
    const referral = await current().db(T.referrals).where({ client_id: wanjiruId }).first();
    expect(Number(referral.agent_id)).to.equal(agentId);
    // The client is listed by name on the agent's page.
    expect(await page.locator('main').innerText()).to.contain('Wanjiru Kamau');
    // Whether the confirmation script is there yet or not, a confirmation says what will happen.
    for (const c of confirmations) expect(c).to.contain('Amani Agent');
  });
});
