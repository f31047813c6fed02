import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, startHost } from './support/host-fixture';
import { readProgramText } from '../module/programs/program-service';

const EXAMPLES = path.resolve(__dirname, '../examples/programs');
/** Text as a person reads it: money is written with a no-break space, which compares as a space here. */
const norm = (text: string) => text.replace(/\s+/g, ' ').trim();

/*
 * The agent's pages in Chromium, on Cloud One (KES, 45 days' hold, KES 10,000.00 minimum, 5 %
 * withholding tax). Wanjiru earned 30 × KES 1,000.00 on 5 January, released by 20 February: KES
 * 30,000.00 available. She asks for KES 20,000.00, an admin pays it (KES 1,000.00 tax, KES
 * 19,000.00 net), and KES 10,000.00 stays available: exactly the threshold.
 */
onEachDatabase(
  "in Chromium: the agent's commissions (filters, pages), payouts (gross, tax, net) and home widget",
  ({ current }) => {
    let f: Fixture;
    let server: Server;
    let base: string;
    let browser: Browser;

    before(async function () {
      skipUnlessChromium(this);
      f = await startHost(current().db, '2026-01-05T07:00:00Z');
      const s = f.host.agentTools.services;
      const program = (await s.programs.load(readProgramText(fs.readFileSync(path.join(EXAMPLES, 'cloud-one.yaml'), 'utf8')))).program;
      const clientId = await f.host.billing.createClient({
        firstname: 'Wanjiru',
        lastname: 'Agent',
        email: 'wanjiru@example.com',
        password: PASSWORD,
        phonenumber: '+254 711 000 001',
        currency: 'KES',
      });
      const agentId = (await s.agents.activateForClient(clientId, program.id)).id;
      for (let i = 0; i < 30; i++) await s.manualCommissions.addManual(agentId, '1000.00', 'test', `w-${i}`, 0);
      f.clock.set('2026-02-20T07:00:00Z');
      await s.releases.releaseDue();
      server = f.host.app.listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      server?.close();
      await f?.host.stop();
    });

    async function signedIn(): Promise<Page> {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${base}/login`);
      await page.fill('#email', 'wanjiru@example.com');
      await page.fill('#password', PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/clientarea/);
      return page;
    }

    it('filters commissions by status and pages through them with the filter kept', async () => {
      const page = await signedIn();
      await page.goto(`${base}/index.php?m=agenttools&action=commissions`);
      await page.selectOption('#status', 'available');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.waitForURL(/status=available/);
      expect(await page.locator('[data-testid="commission-count"]').innerText()).to.equal('30 commissions');
      expect(await page.locator('[data-testid="commissions"] tbody tr').count()).to.equal(25);
      await page.getByRole('link', { name: 'Next page' }).click();
      await page.waitForURL(/status=available&page=2/);
      expect(await page.locator('[data-testid="commissions"] tbody tr').count()).to.equal(5);
      expect(await page.locator('#status').inputValue()).to.equal('available');
      await page.locator('[data-testid="commissions"] tbody tr').first().getByRole('link').click();
      await page.waitForURL(/action=commission&id=\d+/);
      expect(await page.locator('[data-testid="commission-history"]').innerText()).to.contain('Released: available to withdraw');
    });

    it('the home widget offers Request Withdrawal; the payouts page shows KES 20,000.00 paid as 1,000.00 tax and 19,000.00 net', async () => {
      const page = await signedIn();
      const widget = page.locator('[data-home-panel="agenttools-affiliate-home"]');
      expect(norm(await widget.innerText())).to.contain('Commission earned so far: KES 30,000.00');
      await widget.getByRole('link', { name: 'Request Withdrawal' }).click();
      await page.waitForURL(/action=payouts/);
      await page.fill('#amount', '20000.00');
      page.once('dialog', (d) => {
        d.accept().catch(() => undefined);
      });
      await page.getByRole('button', { name: 'Request Withdrawal' }).click();
      await page.waitForURL(/action=payouts&withdrawal=\d+/);
      const id = Number(/withdrawal=(\d+)/.exec(page.url())?.[1]);
      await f.host.agentTools.services.withdrawals.markPaid(id, 1);
      await page.reload();
      const row = page.locator(`[data-testid="withdrawal-${id}"]`);
      expect(norm(await row.locator('[data-testid="gross"]').innerText())).to.equal('KES 20,000.00');
      expect(norm(await row.locator('[data-testid="tax"]').innerText())).to.equal('KES 1,000.00 (5 %)');
      expect(norm(await row.locator('[data-testid="net"]').innerText())).to.equal('KES 19,000.00');
      expect(norm(await page.locator('[data-testid="withdrawn"]').innerText())).to.equal('KES 19,000.00');
      // KES 10,000.00 left: the threshold exactly, so the button stays.
      await page.goto(`${base}/clientarea`);
      expect(await page.locator('[data-testid="home-request-withdrawal"]').count()).to.equal(1);
    });

    it('a withdrawal refused lands on the error beside the amount', async () => {
      const page = await signedIn();
      await page.goto(`${base}/index.php?m=agenttools&action=payouts`);
      await page.fill('#amount', '999999.00');
      page.once('dialog', (d) => {
        d.accept().catch(() => undefined);
      });
      await page.getByRole('button', { name: 'Request Withdrawal' }).click();
      await page.waitForURL(/#form-errors$/);
      expect(await page.locator('#amount').getAttribute('aria-invalid')).to.equal('true');
      expect(await page.locator('#err-amount').innerText()).to.contain('available');
    });
  },
  ['sqlite'],
);
