import crypto from 'node:crypto';
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, session, signUp, startHost } from './support/host-fixture';
import { defined } from './support/defined';
import { type Objects, type RouteWorld, routeWorld } from './support/route-world';
import { T } from '../module/db/tables';
import type { Route } from '../module/http/module-router';
import { adminAction, clientAction } from '../module/http/paths';

/** A phone's viewport (an iPhone 12 to 15): the issue's 390 px. */
const PHONE = { width: 390, height: 844 };
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * The query a page needs to show a real object of the route world; a page not named here is
 * opened bare. A page that needs an id it is not given answers with a refusal page, which must
 * fit a phone too, and the walk prints its status so that a missing line here shows.
 */
const QUERIES: Record<string, (o: PhoneObjects) => string> = {
  'client serviceManager': (o) => `affid=${o.ann}`,
  'admin agent': (o) => `id=${o.ann}`,
  'admin client': (o) => `id=${o.wanjiru}`,
  'admin signInAudit': (o) => `agent_id=${o.ann}`,
  'admin agentTax': (o) => `id=${o.ann}`,
  'client commission': (o) => `id=${o.commission}`,
  'client referral': (o) => `id=${o.referral}`,
};

/** Where an element's top is, in the viewport (the project compiles without the DOM's types). */
const topOf = (e: unknown) => (e as { getBoundingClientRect(): { top: number } }).getBoundingClientRect().top;

/** The route world's objects, and Ann's commission and referred client, which her pages open. */
type PhoneObjects = Objects & { commission: number; referral: number };

/** Who walks, how they sign in, and which pages they open. */
type Who = 'anonymous' | 'client' | 'agent' | 'agent as client' | 'admin';

interface Finding {
  who: Who;
  url: string;
  status: number;
  /** Not a page: a file or JSON (a PDF statement, a CSV, the picker's search), which is not measured. */
  file: boolean;
  width: number;
  /** The innermost elements that reach past the viewport's right edge, to say what to fix. */
  overflowing: string[];
  violations: string[];
}

/** The innermost elements whose right edge is past the viewport's, as tag.class#id (up to three). */
const OVERFLOWING = `(() => {
  const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const wide = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5);
  return wide.filter((e) => !wide.some((o) => o !== e && e.contains(o))).slice(0, 3).map((e) => name(e) + ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
})()`;

/** axe-core's serious and critical findings on the page, as "rule (n× selector…)". */
async function axeFindings(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const found = await page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ' (' + v.impact + ': ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ') + ')'))`);
  return found;
}

onEachDatabase(
  'in Chromium at 390 px: every page of every role fits a phone, with no serious or critical axe finding',
  ({ current }) => {
    let f: Fixture;
    let world: RouteWorld;
    let objects: PhoneObjects;
    let routes: Route[];
    let server: Server;
    let base: string;
    let browser: Browser;
    const contexts = new Map<Who, BrowserContext>();

    async function signIn(path: string, fields: Record<string, string>): Promise<BrowserContext> {
      const ctx = await browser.newContext({ viewport: PHONE });
      const page = await ctx.newPage();
      await page.goto(`${base}${path}`);
      for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.locator('main button[type="submit"]').first().click()]);
      await page.close();
      return ctx;
    }

    before(async function () {
      skipUnlessChromium(this);
      this.timeout(120_000);
      f = await startHost(current().db);
      world = await routeWorld(f);
      routes = f.host.agentTools.routes();
      // Ann has a commission and a referral, so that her tables have rows to reflow.
      const made = await world.ask('admin', { method: 'POST', path: adminAction('manualCommission') }, '', {
        agent_id: world.o.ann,
        amount: '1234567.89',
        reason: 'A launch bonus for the phone test',
        key: crypto.randomUUID(),
      });
      expect(made.status, 'the manual commission').to.equal(303);
      const visitor = await session(f.host);
      await visitor.agent.get(`/aff.php?aff=${world.o.ann}`);
      const referral = await signUp(f.host, visitor, 'kamau@example.com');
      const row: { id: number } | undefined = await f.host.db(T.commissions).where({ agent_id: world.o.ann }).first('id');
      const commission = Number(defined(row, "Ann's commission").id);
      objects = { ...world.o, commission, referral };
      // Past its hold, the commission is Ann's to withdraw, so that her withdrawal form shows.
      f.clock.advanceDays(400);
      await f.host.agentTools.services.releases.releaseDue();
      server = http.createServer(f.host.app).listen(0, '127.0.0.1');
      await new Promise((r) => server.once('listening', r));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await launchChromium();
      contexts.set('anonymous', await browser.newContext({ viewport: PHONE }));
      contexts.set('client', await signIn('/login', { email: 'wanjiru@example.com' }));
      contexts.set('agent', await signIn('/login', { email: 'ann@example.com' }));
      contexts.set('admin', await signIn('/admin/login', { username: 'admin' }));
      // Ann once more, in her own browser, signed in as her client Wanjiru through the form.
      const asClient = await signIn('/login', { email: 'ann@example.com' });
      const page = await asClient.newPage();
      const signInButton = page.locator('form[action*="action=signInAsClient"] button[type="submit"]').first();
      // The list of the clients she manages: on its own page, or else on her home.
      await page.goto(`${base}${clientAction('managed')}`);
      if (!(await signInButton.count())) await page.goto(`${base}${clientAction('index')}`);
      await Promise.all([page.waitForURL((u) => !u.search.includes('m=agenttools')), signInButton.click()]);
      await page.close();
      contexts.set('agent as client', asClient);
    });
    after(async () => {
      await browser?.close();
      server?.close();
      await f?.host.stop();
    });

    /** Every page a role opens: the module's GET pages of its area and the host's own pages. */
    function pagesOf(who: Who): string[] {
      const area = (a: 'client' | 'admin') =>
        routes
          .filter((r) => r.area === a && r.method === 'GET')
          .map((r) => {
            const q = QUERIES[`${r.area} ${r.action}`]?.(objects);
            return q ? `${r.path}&${q}` : r.path;
          });
      switch (who) {
        case 'anonymous':
          return ['/', '/login', '/register', '/admin/login'];
        case 'client':
        case 'agent':
        case 'agent as client':
          return ['/clientarea', '/quotes', '/tickets', '/tickets/new', ...area('client')];
        case 'admin':
          return ['/admin', `/admin/clients/${world.o.wanjiru}`, '/admin/tickets', ...area('admin')];
      }
    }

    async function measure(who: Who, page: Page, url: string): Promise<Finding> {
      const res = await page.goto(`${base}${url}`).catch((e: unknown) => {
        // A download (a PDF, a CSV) is no page to measure.
        if (e instanceof Error && e.message.includes('Download is starting')) return 'download' as const;
        throw e;
      });
      const status = res === 'download' ? 200 : (res?.status() ?? 0);
      if (res === 'download' || !(res?.headers()['content-type'] ?? '').startsWith('text/html')) return { who, url, status, file: true, width: 0, overflowing: [], violations: [] };
      const width = await page.evaluate<number>('document.documentElement.scrollWidth');
      const overflowing = width > PHONE.width ? await page.evaluate<string[]>(OVERFLOWING) : [];
      return { who, url, status, file: false, width, overflowing, violations: await axeFindings(page) };
    }

    it('every page of every role: no wider than 390 px, and no serious or critical axe violation', async function () {
      this.timeout(1_500_000);
      const findings: Finding[] = [];
      // AGENTTOOLS_PHONE_ONLY=<text> walks only the pages whose role or address contains it.
      const only = process.env.AGENTTOOLS_PHONE_ONLY ?? '';
      const print = (x: Finding) =>
        console.log(
          `${x.who.padEnd(16)} ${String(x.status)} ${x.file ? ' file' : `${String(x.width).padStart(5)}px`} axe=${x.violations.length} ${x.url} ${x.overflowing.join(', ')}${x.violations.length ? `\n      ${x.violations.join('\n      ')}` : ''}`,
        );
      // The roles walk side by side, each in its own browser context, one page after another.
      await Promise.all(
        (['anonymous', 'client', 'agent', 'agent as client', 'admin'] as Who[]).map(async (who) => {
          const page = await defined(contexts.get(who), who).newPage();
          for (const url of pagesOf(who).filter((u) => `${who} ${u}`.includes(only))) {
            const found = await measure(who, page, url);
            findings.push(found);
            if (process.env.AGENTTOOLS_PHONE_PRINT) print(found);
          }
          await page.close();
        }),
      );
      const wide = findings.filter((x) => x.width > PHONE.width).map((x) => `${x.who} ${x.url}: ${x.width}px (${x.overflowing.join(', ')})`);
      const axe = findings.filter((x) => x.violations.length).map((x) => `${x.who} ${x.url}: ${x.violations.join('; ')}`);
      expect({ wide, axe }).to.deep.equal({ wide: [], axe: [] });
      const pages = findings.filter((x) => !x.file);
      if (!only) expect(pages.length, 'pages walked').to.be.greaterThan(60);
      console.log(`      ${pages.length} pages at 390 px, each with axe-core (and ${findings.length - pages.length} files, not measured)`);
    });

    // The same pages on a desktop (1280 px): only the width, axe has spoken above.
    it('every page of every role: no wider than 1280 px on a desktop', async function () {
      this.timeout(600_000);
      const DESKTOP = { width: 1280, height: 900 };
      const walked: { who: Who; url: string; width: number; overflowing: string[] }[] = [];
      await Promise.all(
        (['anonymous', 'client', 'agent', 'agent as client', 'admin'] as Who[]).map(async (who) => {
          const page = await defined(contexts.get(who), who).newPage();
          await page.setViewportSize(DESKTOP);
          for (const url of pagesOf(who)) {
            const res = await page.goto(`${base}${url}`).catch((e: unknown) => {
              if (e instanceof Error && e.message.includes('Download is starting')) return null;
              throw e;
            });
            if (!res || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
            const width = await page.evaluate<number>('document.documentElement.scrollWidth');
            walked.push({ who, url, width, overflowing: width > DESKTOP.width ? await page.evaluate<string[]>(OVERFLOWING) : [] });
          }
          await page.close();
        }),
      );
      const wide = walked.filter((x) => x.width > DESKTOP.width).map((x) => `${x.who} ${x.url}: ${x.width}px (${x.overflowing.join(', ')})`);
      expect(wide).to.deep.equal([]);
      expect(walked.length, 'pages walked').to.be.greaterThan(60);
      console.log(`      ${walked.length} pages at 1280 px`);
    });

    it('a refused withdrawal on a phone lands on its error, in view', async function () {
      this.timeout(60_000);
      const page = await defined(contexts.get('agent'), 'the agent').newPage();
      // The withdrawal form: on the Payouts page, or else on the agent's home.
      await page.goto(`${base}${clientAction('payouts')}`);
      if (!(await page.locator('form input[name="amount"]').count())) await page.goto(`${base}${clientAction('index')}`);
      const amount = page.locator('form input[name="amount"]').first();
      await amount.fill('99999999.00');
      // The agent agrees to what the button asks first, if it asks.
      page.on('dialog', (d) => void d.accept().catch((e: unknown) => console.error(e)));
      const [answer] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), amount.locator('xpath=ancestor::form').locator('button[type="submit"]').click()]);
      expect(answer.status(), 'the refused withdrawal').to.equal(422);
      await page.waitForLoadState('load');
      await page.waitForSelector('#form-errors');
      const summary = page.locator('#form-errors');
      const top = await summary.evaluate(topOf);
      expect(top, 'the error summary is in the viewport').to.be.within(0, PHONE.height);
      const error = page.locator('#err-amount');
      expect(await error.innerText()).to.not.equal('');
      const errorTop = await error.evaluate(topOf);
      expect(await summary.locator('a[href="#amount"]').count(), 'the summary links to the field').to.equal(1);
      // Following the summary's link brings the field, with its message beside it, into view.
      await summary.locator('a[href="#amount"]').click();
      const fieldTop = await error.evaluate(topOf);
      expect(fieldTop, `the message beside the field is in view (it was at ${errorTop}px)`).to.be.within(0, PHONE.height);
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).to.equal('amount');
      expect(await page.locator('#amount').getAttribute('aria-invalid')).to.equal('true');
      await page.close();
    });

    it('a button with data-confirm asks first, with its text, and sends nothing unless the admin agrees', async function () {
      this.timeout(60_000);
      const page = await defined(contexts.get('admin'), 'the admin').newPage();
      await page.goto(`${base}${adminAction('agent')}&id=${objects.ann}`);
      const button = page.locator('form button[data-confirm]').last();
      // Each wait is bounded, so that a failure names the step that did not happen.
      const asked = defined(await button.getAttribute('data-confirm', { timeout: 15_000 }), 'a data-confirm text');
      const posts: string[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST') posts.push(r.url());
      });
      const dialogs: string[] = [];
      let agree = false;
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        (agree ? d.accept() : d.dismiss()).catch((e: unknown) => console.error(e));
      });
      await button.click({ timeout: 15_000 });
      await page.waitForTimeout(500);
      expect({ dialogs, posts }, 'dismissed: nothing sent').to.deep.equal({ dialogs: [asked], posts: [] });
      agree = true;
      // The POST leaving the page is the proof; the page that answers it is not this test's business.
      await Promise.all([page.waitForRequest((r) => r.method() === 'POST', { timeout: 15_000 }), button.click({ timeout: 15_000, noWaitAfter: true })]);
      expect(dialogs).to.deep.equal([asked, asked]);
      expect(posts).to.have.length(1);
      await page.close();
    });
  },
  ['sqlite'],
);
