import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { DateTime } from 'luxon';
import type { Browser } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { PASSWORD } from './support/host-fixture';
import { createHost, type Host } from '../host/app';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';

/*
 * Amani's roll-ups (the default program: USD, UTC): today 5 clicks and USD 10.00 earned; ten days
 * ago 7 clicks and USD 20.00. The last 7 days have 5 clicks; the last 30, 12.
 */
onEachDatabase('the Overview in Chromium: the chart, its table and the period picker', ({ current }) => {
  let host: Host;
  let site: Server;
  let base: string;
  let browser: Browser;

  before(async function () {
    skipUnlessChromium(this);
    host = await createHost({ db: current().db, logger: new MemoryLogger(), siteUrl: 'http://127.0.0.1', module: { clickFlushMs: 60_000 } });
    site = http.createServer(host.app).listen(0, '127.0.0.1');
    await new Promise((r) => site.once('listening', r));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const client = await host.billing.createClient({ firstname: 'Amani', lastname: 'Agent', email: 'amani-overview@example.com', password: PASSWORD, phonenumber: '', currency: 'USD' });
    const program = (await host.agentTools.services.programs.bySlug('default'))!;
    const agentId = (await host.agentTools.services.agents.activateForClient(client, program.id)).id;
    const day = (back: number) => DateTime.utc().minus({ days: back }).toFormat('yyyy-LL-dd');
    const row = (back: number, clicks: number, earned: number) => ({
      agent_id: agentId,
      program_id: program.id,
      source: 'Default',
      country: '',
      day: day(back),
      currency: 'USD',
      clicks,
      signups: 0,
      qualified: 0,
      paying: 0,
      earned_minor: earned,
      reversed_minor: 0,
    });
    await current()
      .db(T.dailyRollups)
      .insert([row(0, 5, 1000), row(10, 7, 2000)]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    site?.close();
    await host?.stop();
  });

  it('draws the chart from the page’s figures, keeps them in a table, and the period picker changes them', async () => {
    const page = await (await browser.newContext()).newPage();
    const scriptErrors: string[] = [];
    page.on('pageerror', (e) => scriptErrors.push(e.message));
    await page.goto(`${base}/login`);
    await page.fill('#email', 'amani-overview@example.com');
    await page.fill('#password', PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.goto(`${base}/index.php?m=agenttools&period=7d`);

    await page.locator('#overview-chart[data-drawn="true"]').waitFor();
    const box = await page.locator('#overview-chart').boundingBox();
    expect(box!.width).to.be.greaterThan(100);
    expect(box!.height).to.be.greaterThan(100);
    // The same figures as a table, behind a <details> a person can open.
    await page.locator('[data-testid="chart-table"] summary').click();
    const lastRow = page.locator('[data-testid="chart-table"] tbody tr').last();
    expect((await lastRow.locator('td').allInnerTexts()).map((t) => t.trim().replace(/\s/g, ' '))).to.deep.equal([DateTime.utc().toFormat('yyyy-LL-dd'), 'USD 10.00', '5']);
    expect(await page.locator('[data-testid="chart-table"] tbody tr').count()).to.equal(7);
    expect((await page.locator('[data-testid="figure-clicks"] td').allInnerTexts()).slice(0, 2)).to.deep.equal(['Clicks', '5']);
    expect(await page.locator('a[aria-current="page"]', { hasText: 'Overview' }).count()).to.equal(1);

    await page.getByLabel('Last 30 days').check();
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/period=30d/);
    await page.locator('#overview-chart[data-drawn="true"]').waitFor();
    expect((await page.locator('[data-testid="figure-clicks"] td').allInnerTexts()).slice(0, 2)).to.deep.equal(['Clicks', '12']);
    expect(await page.locator('[data-testid="chart-table"] tbody tr').count()).to.equal(30);
    expect(scriptErrors).to.deep.equal([]);
  });
});
