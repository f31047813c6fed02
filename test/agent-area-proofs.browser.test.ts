import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, startHost } from './support/host-fixture';
import { defined } from './support/defined';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { clientAction } from '../module/http/paths';

/*
 * Rosa, an agent of a program of this test's own: USD, UTC, 10 % of each paid invoice, no hold
 * worth waiting for (1 day), a USD 50.00 threshold and 5 % withholding tax on payouts.
 * Two of her visitors (one from her blog, one from her newsletter) sign up and each buys a
 * USD 300.00 server: USD 30.00 each. After the first sale she has USD 30.00 available, USD 20.00
 * short of the threshold: no Request Withdrawal on the home widget. After the second, USD 60.00:
 * the button. She withdraws it all: gross USD 60.00, tax USD 3.00 (5 %), net USD 57.00.
 */
const PROGRAM = {
  slug: 'proofs',
  name: 'Proofs Affiliates',
  terms_version: 1,
  currency: 'USD',
  timezone: 'UTC',
  cookie_days: 90,
  attribution: 'last_click',
  hold_days: 1,
  withholding_tax_bp: 500,
  rules: [{ id: 'proofs-commission', rate_bp: 1000, recurrence: 'once' }],
  payout: { thresholds: { USD: '50.00' }, schedule: 'on_request' },
};
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';

/** "USD 1,234.56" (any spaces) as minor units. */
const minorOf = (text: string) => Number(text.replace(/[^\d]/g, ''));

onEachDatabase(
  'the agent area in Chromium: a saved report reopened, a CSV whose totals are the page’s, the widget’s rule, the payout’s tax line',
  ({ current }) => {
    let f: Fixture;
    let server: Server;
    let base: string;
    let browser: Browser;
    let rosa: BrowserContext;
    let agentId: number;
    let programId: number;
    let product: number;

    /** A visitor through Rosa's link with `source`, who signs up and pays for the USD 300.00 server; then the day passes its hold. */
    async function sale(n: number, source: string) {
      const core = f.host.agentTools.services;
      const click = await core.tracking.click(String(agentId), { ip: `198.51.100.${n}`, userAgent: BROWSER_UA, referer: '' }, source);
      const client = await f.host.billing.createClient(
        { firstname: `Buyer${n}`, lastname: 'Customer', email: `buyer${n}@example.com`, password: PASSWORD, currency: 'USD', country: 'KE' },
        { request: { cookies: { [REFERRAL_COOKIE]: defined(click.cookie, 'a counted click').value } } },
      );
      await f.host.billing.payInvoice(await f.host.billing.placeOrder(client, product));
      f.clock.advanceDays(2);
      await core.releases.releaseDue();
      await core.clicks.flush();
      await core.rollups.fold();
    }

    async function page(): Promise<Page> {
      const p = await rosa.newPage();
      p.on('dialog', (d) => void d.accept().catch((e: unknown) => console.error(e)));
      return p;
    }

    before(async function () {
      skipUnlessChromium(this);
      this.timeout(120_000);
      f = await startHost(current().db);
      const core = f.host.agentTools.services;
      programId = (await core.programs.load(PROGRAM)).program.id;
      const [p] = await f.host.db('host_products').insert({ group_id: 1, name: 'Server 300', currency: 'USD', price_minor: 30_000, setup_minor: 0 });
      product = Number(p);
      const rosaClient = await f.host.billing.createClient({ firstname: 'Rosa', lastname: 'Agent', email: 'rosa@example.com', password: PASSWORD, currency: 'USD', country: 'KE' });
      agentId = (await core.agents.activateForClient(rosaClient, programId)).id;
      server = http.createServer(f.host.app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
      rosa = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
      const login = await rosa.newPage();
      await login.goto(`${base}/login`);
      await login.fill('#email', 'rosa@example.com');
      await login.fill('#password', PASSWORD);
      await Promise.all([login.waitForURL((u) => !u.pathname.endsWith('/login')), login.locator('main button[type="submit"]').first().click()]);
      await login.close();
    });
    after(async () => {
      await browser?.close();
      server?.close();
      await f?.host.stop();
    });

    it('the home widget: USD 20.00 still needed and no Request Withdrawal below the threshold; the button at it', async function () {
      this.timeout(60_000);
      await sale(1, 'blog');
      const p = await page();
      await p.goto(`${base}/clientarea`);
      expect(await p.getByTestId('home-available').innerText()).to.contain('30.00');
      expect(minorOf(await p.getByTestId('home-needed').innerText()), 'USD 50.00 − USD 30.00').to.equal(2_000);
      expect(await p.getByTestId('home-request-withdrawal').count()).to.equal(0);

      await sale(2, 'newsletter');
      await p.goto(`${base}/clientarea`);
      expect(await p.getByTestId('home-available').innerText()).to.contain('60.00');
      expect(await p.getByTestId('home-needed').count(), 'nothing needed at USD 60.00').to.equal(0);
      await Promise.all([p.waitForURL(/action=payouts/), p.getByTestId('home-request-withdrawal').click()]);
      await p.close();
    });

    it('a saved report, reopened from the list, shows the same figures', async function () {
      this.timeout(60_000);
      const p = await page();
      await p.goto(`${base}${clientAction('reports')}&period=30d&group=source`);
      const figures = () => p.getByTestId('report').locator('tr').allInnerTexts();
      const before = await figures();
      // blog and newsletter, one click, one sign-up and USD 30.00 each; the total row: 2 and USD 60.00.
      const total = (await p.getByTestId('report-total').first().locator('td').allInnerTexts()).map((t) => t.trim());
      expect([total[0], total[1], minorOf(defined(total[4], 'earned'))]).to.deep.equal(['2', '2', 6_000]);
      await p.fill('#report-name', 'By source, 30 days');
      await Promise.all([p.waitForURL(/action=reports/), p.getByTestId('save-form').locator('button[type="submit"]').click()]);
      // Somewhere else first: another grouping, another period.
      await p.goto(`${base}${clientAction('reports')}&period=7d&group=day`);
      expect(await figures()).to.not.deep.equal(before);
      await Promise.all([p.waitForLoadState('load'), p.getByTestId('saved-reports').getByRole('link', { name: 'By source, 30 days' }).click()]);
      await p.getByTestId('report').waitFor();
      expect(await figures()).to.deep.equal(before);
      await p.close();
    });

    it('a CSV downloaded in the browser adds up to the page’s totals', async function () {
      this.timeout(60_000);
      const p = await page();
      await p.goto(`${base}${clientAction('reports')}&period=30d&group=source`);
      const total = (await p.getByTestId('report-total').first().locator('td').allInnerTexts()).map((t) => t.trim());
      const [download] = await Promise.all([p.waitForEvent('download'), p.getByTestId('csv-link').click()]);
      const text = fs.readFileSync(defined(await download.path(), 'the downloaded file'), 'utf8').replace(/^\uFEFF/, '');
      const [header, ...rows] = text
        .trim()
        .split(/\r?\n/)
        .map((line) => line.split(','));
      const col = (name: RegExp) => defined(header, 'a header').findIndex((h) => name.test(h));
      const clicks = col(/click/i);
      const earned = col(/earn/i);
      expect(clicks, `a clicks column in ${String(header)}`).to.be.at.least(0);
      expect(earned, `an earned column in ${String(header)}`).to.be.at.least(0);
      // The lines (not a totals line, if the file has one): the ones with a source the page lists.
      const lines = rows.filter((r) => ['blog', 'newsletter'].includes((r[0] ?? '').replace(/"/g, '')));
      expect(lines, text).to.have.length(2);
      // Clicks are counts; money is written as decimal units ("30.00"): as minor units, times 100.
      const sum = (i: number, scale: number) => lines.reduce((a, r) => a + Math.round(Number((r[i] ?? '').replace(/"/g, '')) * scale), 0);
      const shown = [Number(total[0]), minorOf(defined(total[4], 'earned'))];
      expect(shown, 'the page: 2 clicks, USD 60.00').to.deep.equal([2, 6_000]);
      expect([sum(clicks, 1), sum(earned, 100)], 'the file').to.deep.equal(shown);
      await p.close();
    });

    it('the Payouts page shows a paid payout’s gross, withholding tax and net', async function () {
      this.timeout(60_000);
      const core = f.host.agentTools.services;
      const agent = defined(await core.agents.get(agentId), 'Rosa');
      const program = defined(await core.programs.get(programId), 'the program');
      const w = await core.withdrawals.request(agent, program, '60.00');
      await core.withdrawals.markPaid(w.id, 1);
      const p = await page();
      await p.goto(`${base}${clientAction('payouts')}`);
      const row = p.getByTestId(`withdrawal-${w.id}`);
      expect(minorOf(await row.getByTestId('gross').innerText())).to.equal(6_000);
      expect(await row.getByTestId('tax').innerText()).to.match(/3\.00 \(5(\.00)?\s?%\)/);
      expect(minorOf(await row.getByTestId('net').innerText())).to.equal(5_700);
      expect(minorOf(await p.getByTestId('paid-gross').innerText())).to.equal(6_000);
      expect(minorOf(await p.getByTestId('tax-withheld').innerText())).to.equal(300);
      expect(minorOf(await p.getByTestId('withdrawn').innerText())).to.equal(5_700);
      await p.close();
    });
  },
  ['sqlite'],
);
