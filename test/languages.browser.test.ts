import crypto from 'node:crypto';
import fs from 'node:fs';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, skipUnlessChromium } from './support/chromium';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, session, signUp, startHost } from './support/host-fixture';
import { type Objects, type RouteWorld, routeWorld } from './support/route-world';
import { EXAMPLES } from './support/scenario';
import { T } from '../module/db/tables';
import type { Route } from '../module/http/module-router';
import { clientAction } from '../module/http/paths';
import { langFile } from '../module/i18n/lang';
import { readProgramText } from '../module/programs/program-service';

/*
 * Issue #14's proof in a browser: every page of the agent area, the service-manager pages (the
 * client's offer and details, the agent's list of managed clients) and the admin area, walked in
 * Russian and in Swahili, shows no English: no text that is an English lang text whose
 * translation differs, and none of the common English words of the module's UI. Clients choose
 * with `?language=` on the first page (remembered by cookie on the pages after it); the admin
 * reads the admin area in their own language (host_admins.language).
 *
 * Data is not UI: names, e-mails, program and product names, codes, URLs, and texts people typed
 * (reasons, notes) are whatever they are in the database, and are taken out of the page's text
 * before it is read for English.
 */

type Language = 'russian' | 'swahili';
type Who = 'agent' | 'client' | 'prospect' | 'agent as client' | 'admin';

const ENGLISH = langFile('english').strings;

/** The UI's common English words, whole words, any case. */
const ENGLISH_WORDS = [
  'the',
  'and',
  'your',
  'you',
  'withdraw',
  'withdrawal',
  'withdrawals',
  'commission',
  'commissions',
  'balance',
  'click',
  'clicks',
  'save',
  'request',
  'requested',
  'payout',
  'payouts',
  'agent',
  'agents',
  'client',
  'clients',
  'status',
  'amount',
  'date',
  'pending',
  'available',
  'paid',
  'total',
  'settings',
  'search',
  'cancel',
  'delete',
  'submit',
  'report',
  'reports',
  'referral',
  'referrals',
  'earned',
  'method',
  'details',
  'back',
  'next',
  'previous',
  'none',
  'yet',
  'with',
  'from',
  'this',
  'for',
  'not',
  'has',
  'have',
  'will',
  'are',
  'is',
  'of',
  'to',
  'in',
  'on',
];
const WORDS = new RegExp(`(?<![\\p{L}\\p{N}_])(${ENGLISH_WORDS.join('|')})(?![\\p{L}\\p{N}_])`, 'iu');

/** The query a page needs to show a real object; a page not named here is opened bare. */
const QUERIES: Record<string, (o: WalkObjects) => string> = {
  'client serviceManager': (o) => `affid=${o.ann}`,
  'admin agent': (o) => `id=${o.ann}`,
  'admin client': (o) => `id=${o.wanjiru}`,
  'admin signInAudit': (o) => `agent_id=${o.ann}`,
  'admin agentTax': (o) => `id=${o.ann}`,
  'client commission': (o) => `id=${o.commission}`,
  'client referral': (o) => `id=${o.referral}`,
};

type WalkObjects = Objects & { referral: number };

/** An English text found on a page. */
interface Leftover {
  who: Who;
  url: string;
  text: string;
}

/** Every text of the module's part of the page (main, the sidebar panels) and the attributes a person reads. */
const TEXTS = `(() => {
  const out = [];
  const roots = [...document.querySelectorAll('main, .sidebar-panel')];
  const attrs = ['data-confirm', 'data-copied', 'data-label', 'data-picker-many', 'data-picker-one', 'aria-label', 'placeholder', 'title', 'alt'];
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      if (!p || p.closest('script, style, noscript, code, pre')) continue;
      const t = n.textContent.replace(/[\\s\\u00a0\\u202f]+/g, ' ').trim();
      if (t) out.push(t);
    }
    for (const e of [root, ...root.querySelectorAll('*')]) {
      for (const a of attrs) { const v = e.getAttribute(a); if (v && v.trim()) out.push(v.replace(/[\\s\\u00a0\\u202f]+/g, ' ').trim()); }
      if (e.tagName === 'INPUT' && ['submit', 'button'].includes(e.type) && e.value) out.push(e.value.trim());
    }
  }
  return out;
})()`;

/** White space as one space: Intl writes no-break spaces into money and dates. */
const plain = (s: string) => s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();

onEachDatabase('in Chromium, in Russian and Swahili: the agent area, the service-manager pages and the admin area have no English left', ({ current }) => {
  let f: Fixture;
  let world: RouteWorld;
  let objects: WalkObjects;
  let routes: Route[];
  let server: Server;
  let base: string;
  let browser: Browser;
  /** Oleg and Pavel, Cloudlessons partners (RUB), and Amani, a Cloud One agent (KES). */
  let oleg: { agentId: number };
  let pavel: { agentId: number };
  let amani: { agentId: number };
  /** What the database holds that is data, longest first, to take out of a page's text. */
  let data: string[] = [];

  async function signIn(p: string, fields: Record<string, string>): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await ctx.newPage();
    await page.goto(`${base}${p}`);
    for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.locator('main button[type="submit"]').first().click()]);
    await page.close();
    return ctx;
  }

  /** A program of examples/programs with an agent of its own, signed up through the form. */
  async function agentOf(file: string, email: string): Promise<{ agentId: number }> {
    const services = f.host.agentTools.services;
    const raw = readProgramText(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')) as { slug: string };
    const program = (await services.programs.bySlug(raw.slug)) ?? (await services.programs.load(raw)).program;
    const clientId = await signUp(f.host, await session(f.host), email);
    return { agentId: (await services.agents.activateForClient(clientId, program.id)).id };
  }

  /** Every text value of the database's rows that is data: not a bare identifier ("pending"), not JSON. */
  async function dataStrings(): Promise<string[]> {
    const tables = [...Object.values(T), 'host_clients', 'host_users', 'host_products', 'host_product_groups', 'host_admins'];
    const found = new Set<string>();
    for (const table of tables) {
      const rows: Record<string, unknown>[] = await f.host.db(table).select('*');
      for (const row of rows)
        for (const value of Object.values(row)) {
          if (typeof value !== 'string') continue;
          const v = plain(value);
          if (v.length < 2 || /^[a-z_.:-]+$/.test(v) || /^[[{]/.test(v) || /^\d+$/.test(v)) continue;
          found.add(v);
        }
    }
    return [...found].sort((a, b) => b.length - a.length);
  }

  before(async function () {
    skipUnlessChromium(this);
    this.timeout(180_000);
    f = await startHost(current().db);
    world = await routeWorld(f);
    routes = f.host.agentTools.routes();
    const visitor = await session(f.host);
    await visitor.agent.get(`/aff.php?aff=${world.o.ann}`);
    const referral = await signUp(f.host, visitor, 'kamau@example.com');
    objects = { ...world.o, referral };
    oleg = await agentOf('cloudlessons.yaml', 'oleg@example.com');
    pavel = await agentOf('cloudlessons.yaml', 'pavel@example.com');
    amani = await agentOf('cloud-one.yaml', 'amani@example.com');
    const manual = f.host.agentTools.services.manualCommissions;
    // RUB 1,000.00 for Oleg, KES 7,560.00 for Amani (the Cloud One 63 % case's total).
    await manual.addManual(oleg.agentId, '1000.00', 'Launch bonus', crypto.randomUUID());
    await manual.addManual(amani.agentId, '7560.00', 'Launch bonus', crypto.randomUUID());
    server = http.createServer(f.host.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.close();
    await f?.host.stop();
  });

  function pagesOf(who: Who): string[] {
    const area = (a: 'client' | 'admin') =>
      routes
        .filter((r) => r.area === a && r.method === 'GET')
        .map((r) => {
          const q = QUERIES[`${r.area} ${r.action}`]?.(objects);
          return q ? `${r.path}&${q}` : r.path;
        });
    switch (who) {
      case 'agent':
      case 'agent as client':
        return area('client');
      // Wanjiru, whose manager Ann is: her details of the grant; and the pages she is refused.
      case 'client':
        return [clientAction('serviceManager'), `${clientAction('serviceManager')}&affid=${objects.ann}`, ...area('client')];
      // Eve, with no manager yet: Ben's offer.
      case 'prospect':
        return [`${clientAction('serviceManager')}&affid=${objects.ben}`];
      case 'admin':
        return area('admin');
    }
  }

  /** The English on one page: lang texts whose translation differs, and the common words once data is taken out. */
  function englishIn(texts: string[], language: Language): string[] {
    const translated = langFile(language).strings;
    const found = new Set<string>();
    for (const text of texts) {
      if (data.includes(text)) continue;
      const key = Object.keys(ENGLISH).find((k) => plain(ENGLISH[k] ?? '') === text && translated[k] !== ENGLISH[k]);
      if (key) {
        found.add(`"${text}" (lang key ${key})`);
        continue;
      }
      let rest = text;
      for (const d of data) if (rest.includes(d)) rest = rest.split(d).join(' ');
      // E-mails, URLs, file names, and codes such as API scopes and webhook events ("agents:read", "payout.paid").
      rest = rest
        .replace(/\S+@\S+/g, ' ')
        .replace(/https?:\/\/\S+/g, ' ')
        .replace(/[\w./-]*\.(php|pdf|csv|png|jpg|svg)\b\S*/g, ' ')
        .replace(/\b[a-z_]+(?:[.:][a-z_]+)+\b/g, ' ');
      const word = WORDS.exec(rest);
      if (word) found.add(`"${text}" (the word "${word[1]}")`);
    }
    return [...found];
  }

  async function walk(ctx: BrowserContext, who: Who, language: Language, pages: string[], first: boolean): Promise<Leftover[]> {
    const page = await ctx.newPage();
    const leftovers: Leftover[] = [];
    // The choice on the first page; the cookie carries it to the pages after it.
    if (first) await page.goto(`${base}${clientAction('index')}&language=${language}`);
    for (const url of pages) {
      const res = await page.goto(`${base}${url}`).catch((e: unknown) => {
        if (e instanceof Error && e.message.includes('Download is starting')) return null;
        throw e;
      });
      if (!res || !(res.headers()['content-type'] ?? '').startsWith('text/html')) continue;
      const english = englishIn(await page.evaluate<string[]>(TEXTS), language);
      for (const text of english) leftovers.push({ who, url, text });
    }
    await page.close();
    return leftovers;
  }

  for (const language of ['russian', 'swahili'] as const) {
    it(`every page in ${language}: no English left in the module's pages and panels`, async function () {
      this.timeout(900_000);
      data = await dataStrings();
      await f.host.db('host_admins').where({ username: 'admin' }).update({ language });
      const contexts: [Who, BrowserContext][] = [
        ['agent', await signIn('/login', { email: 'ann@example.com' })],
        ['client', await signIn('/login', { email: 'wanjiru@example.com' })],
        ['prospect', await signIn('/login', { email: 'eve@example.com' })],
        ['admin', await signIn('/admin/login', { username: 'admin' })],
      ];
      // Ann once more, signed in as her client Wanjiru through the form on her list of managed clients.
      const asClient = await signIn('/login', { email: 'ann@example.com' });
      const p = await asClient.newPage();
      await p.goto(`${base}${clientAction('managed')}&language=${language}`);
      const button = p.locator('form[action*="action=signInAsClient"] button[type="submit"]').first();
      if (!(await button.count())) await p.goto(`${base}${clientAction('index')}`);
      await Promise.all([p.waitForURL((u) => !u.search.includes('m=agenttools')), button.click()]);
      await p.close();
      contexts.push(['agent as client', asClient]);
      const leftovers: Leftover[] = [];
      let walked = 0;
      for (const [who, ctx] of contexts) {
        const pages = pagesOf(who);
        walked += pages.length;
        leftovers.push(...(await walk(ctx, who, language, pages, who !== 'admin')));
        await ctx.close();
      }
      expect(walked, 'pages walked').to.be.greaterThan(60);
      // One line per English text: who saw it, on how many pages, and the first of them.
      const byText = new Map<string, { who: Set<string>; urls: string[] }>();
      for (const { who, url, text } of leftovers) {
        const seen = byText.get(text) ?? { who: new Set<string>(), urls: [] };
        seen.who.add(who);
        seen.urls.push(url);
        byText.set(text, seen);
      }
      const report = [...byText].map(([text, { who, urls }]) => `${text} — ${[...who].join(', ')}, ${urls.length} page(s), e.g. ${urls[0] ?? ''}`);
      expect(report, `English left in ${language} (${report.length} texts):\n  ${report.join('\n  ')}\n`).to.deep.equal([]);
    });
  }

  it('the language chosen with ?language= is remembered on the pages after it, without the parameter', async function () {
    this.timeout(60_000);
    const ctx = await signIn('/login', { email: 'ann@example.com' });
    const page = await ctx.newPage();
    const payoutsTitle = async () => {
      await page.goto(`${base}${clientAction('payouts')}`);
      return plain(await page.locator('main h1').innerText());
    };
    await page.goto(`${base}${clientAction('commissions')}&language=swahili`);
    const sw = await payoutsTitle();
    await page.goto(`${base}${clientAction('commissions')}&language=russian`);
    const ru = await payoutsTitle();
    expect([sw, ru]).to.deep.equal([langFile('swahili').strings['payouts.title'], langFile('russian').strings['payouts.title']]);
    expect(sw).to.not.equal(ENGLISH['payouts.title']);
    await ctx.close();
  });

  it('Russian plurals of the commissions count: 0 начислений, 1 начисление, 2 начисления, 5 начислений, 21 начисление', async function () {
    this.timeout(120_000);
    const ctx = await signIn('/login', { email: 'pavel@example.com' });
    const page = await ctx.newPage();
    const manual = f.host.agentTools.services.manualCommissions;
    const count = async () => {
      await page.goto(`${base}${clientAction('commissions')}&language=russian`);
      return plain(await page.getByTestId('commission-count').innerText());
    };
    const seen: string[] = [await count()];
    let made = 0;
    for (const n of [1, 2, 5, 21]) {
      for (; made < n; made++) await manual.addManual(pavel.agentId, '10.00', 'Plural check', crypto.randomUUID());
      seen.push(await count());
    }
    expect(seen).to.deep.equal(['0 начислений', '1 начисление', '2 начисления', '5 начислений', '21 начисление']);
    await ctx.close();
  });

  it('money in the reader’s locale: 1 000,00 ₽ on a Russian page for Cloudlessons, Ksh 7,560.00 on a Swahili page for Cloud One', async function () {
    this.timeout(60_000);
    const ru = await signIn('/login', { email: 'oleg@example.com' });
    const ruPage = await ru.newPage();
    await ruPage.goto(`${base}${clientAction('commissions')}&language=russian`);
    expect(plain(await ruPage.locator('main').innerText())).to.include('1 000,00 ₽');
    const sw = await signIn('/login', { email: 'amani@example.com' });
    const swPage = await sw.newPage();
    await swPage.goto(`${base}${clientAction('commissions')}&language=swahili`);
    expect(plain(await swPage.locator('main').innerText())).to.include('Ksh 7,560.00');
    await ru.close();
    await sw.close();
  });
});
