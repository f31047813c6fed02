import path from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { API_SECRET, IDENTIFIER, sampleWhmcs, startWhmcsFixture, type WhmcsFixture } from './support/whmcs-api-fixture';
import { createWhmcsBridge, type WhmcsBridge } from '../integrations/whmcs/host/server';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { BROWSER } from './support/user-agents';

const PHP = process.env.AGENTTOOLS_PHP ?? 'php';
const MODULE_DIR = path.resolve(__dirname, '../integrations/whmcs/modules/addons/agenttools');
const STANDINS = path.resolve(__dirname, 'support/whmcs-standins.php');
/** Set by .ci/run: the bridge's PHP must be tested, not skipped. */
const REQUIRE_PHP = process.env.AGENTTOOLS_REQUIRE_PHP === '1';

function phpWithCurl(): boolean {
  const probe = spawnSync(PHP, ['-r', 'echo extension_loaded("curl") ? "yes" : "no";'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout === 'yes';
}

interface PhpRun {
  results: unknown[];
  log: string[];
  localapi: { action: string; params: Record<string, unknown> }[];
}

/** Runs the addon's PHP with WHMCS's stand-ins; asynchronous, since the module answers in this process. */
function php(input: Record<string, unknown>): Promise<PhpRun> {
  return new Promise((resolve, reject) => {
    const child = execFile(PHP, [STANDINS], { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`php failed: ${error.message}\n${stderr}\n${stdout}`));
      try {
        resolve(JSON.parse(stdout) as PhpRun);
      } catch {
        reject(new Error(`php printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
    child.stdin?.end(JSON.stringify({ module_dir: MODULE_DIR, token: 'whmcs-session-token-1', localapi: {}, ...input }));
  });
}

/**
 * The WHMCS addon in PHP (integrations/whmcs/modules/addons/agenttools) against the running
 * module: hooks.php loaded with stand-ins for add_hook, localAPI and the addon settings; each hook
 * fired; the module, started here on a port and reading WHMCS through its API (a local fixture
 * server), must have received each event signed and done it once. The default program pays 10 %
 * of each line: invoice 1001 (1,000.00 + 500.00 + 250.00) earns 100.00 + 50.00 + 25.00.
 */
onEachDatabase('the WHMCS bridge in PHP', ({ current }) => {
  let whmcs: WhmcsFixture;
  let bridge: WhmcsBridge;
  let server: Server;
  let settings: Record<string, string>;
  let agentId: number;
  const logger = new MemoryLogger();
  const db = () => current().db;
  const done = async (eventId: string) => (await db()(T.inboundEvents).where({ event_id: eventId, status: 'done' })).length;
  const hook = (hookName: string, vars: Record<string, unknown>, extra: Record<string, unknown> = {}) => php({ run: 'hooks', settings, hook: hookName, vars, ...extra });

  before(async function () {
    if (!phpWithCurl()) {
      if (REQUIRE_PHP) throw new Error(`PHP with curl is required (AGENTTOOLS_REQUIRE_PHP=1) but "${PHP}" is missing or has no curl: apt-get install php-cli php-curl`);
      console.warn(`\n  PHP with curl not found ("${PHP}"): the WHMCS bridge's PHP tests are skipped (apt-get install php-cli php-curl).\n`);
      this.skip();
    }
    this.timeout(120_000);
    whmcs = await startWhmcsFixture(sampleWhmcs());
    bridge = await createWhmcsBridge({
      db: db(),
      whmcs: { url: whmcs.url, identifier: IDENTIFIER, secret: API_SECRET },
      siteUrl: 'https://billing.example.com',
      logger,
      module: { clickFlushMs: 60_000 },
    });
    server = await new Promise<Server>((resolve) => {
      const s = bridge.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const source = await bridge.agentTools.services.eventSources.create('whmcs');
    settings = { module_url: `http://127.0.0.1:${address.port}`, source_secret: source.secret, timeout: '10' };
    const s = bridge.agentTools.services;
    const program = await s.programs.bySlug('default');
    agentId = (await s.agents.activateForClient(1, program!.id)).id;
    await s.assignments.assign(2, agentId, 'admin', 'moved from WHMCS affiliates');
  });
  after(async () => {
    if (!bridge) return;
    await bridge.agentTools.stop();
    await new Promise((resolve) => server.close(resolve));
    await whmcs.close();
  });

  it('InvoicePaid earns the commissions once, fired twice', async () => {
    const run = await hook('InvoicePaid', { invoiceid: 1001 }, { times: 2 });
    expect(run.log).to.deep.equal([]);
    const rows = await db()(T.commissions).where({ invoice_id: 1001 }).orderBy('amount_minor');
    expect(rows.map((r) => Number(r.amount_minor))).to.deep.equal([2_500, 5_000, 10_000]);
    expect(await done('whmcs-InvoicePaid-1001')).to.equal(1);
    expect(await db()(T.hostEvents).where({ invoice_id: 1001, event: 'InvoicePaid' })).to.have.length(1);
  });

  it('InvoiceRefunded takes back the share refunded, found through localAPI, once', async () => {
    // 175.00 of 1,750.00 refunded: a tenth of each commission, 17.50 in all, is taken back.
    const refund = { id: 502, transid: 'RF-1', date: '2026-03-03 10:00:00', amountin: '0.00', amountout: '175.00' };
    whmcs.data.invoices[1001]!.transactions.push(refund);
    const localapi = {
      GetInvoice: { result: 'success', invoiceid: 1001, userid: '2', transactions: { transaction: whmcs.data.invoices[1001]!.transactions } },
      GetClientsDetails: { result: 'success', client: { id: 2, currency_code: 'USD' }, currency_code: 'USD' },
    };
    const run = await hook('InvoiceRefunded', { invoiceid: 1001 }, { localapi, times: 2 });
    expect(run.log).to.deep.equal([]);
    expect(run.localapi.map((c) => c.action)).to.deep.equal(['GetInvoice', 'GetClientsDetails', 'GetInvoice', 'GetClientsDetails']);
    const refunds = await db()(T.refunds).where({ invoice_id: 1001 });
    expect(refunds.map((r) => Number(r.amount_minor))).to.deep.equal([17_500]);
    expect(await done('whmcs-InvoiceRefunded-1001-502')).to.equal(1);
  });

  it('ClientAdd attributes the new client by the referral cookie the browser carried', async () => {
    const click = await bridge.agentTools.services.tracking.click(String(agentId), { ip: '203.0.113.9', userAgent: BROWSER, referer: '' });
    const vars = { client_id: 3, user_id: 3, userid: 3, firstname: 'Carol', lastname: 'New', email: 'carol@example.com', password: 'x' };
    const run = await hook('ClientAdd', vars, { cookies: { [REFERRAL_COOKIE]: click.cookie!.value, WHMCSsession: 'not forwarded' }, times: 2 });
    expect(run.log).to.deep.equal([]);
    const referral = await db()(T.referrals).where({ client_id: 3 }).first();
    expect(Number(referral.agent_id)).to.equal(agentId);
    expect(await done('whmcs-ClientAdd-3')).to.equal(1);
  });

  it('ShoppingCartValidateCheckout shows the module’s message for an unknown referral code', async () => {
    const run = await hook('ShoppingCartValidateCheckout', {}, { session: { uid: 2 }, post: { referral_code: 'NOSUCH99' } });
    expect(run.results).to.have.length(1);
    const messages = run.results[0] as string[];
    expect(messages).to.have.length(1);
    expect(messages[0]).to.be.a('string').and.not.equal('');
    const fine = await hook('ShoppingCartValidateCheckout', {}, { session: { uid: 2 } });
    expect(fine.results).to.deep.equal([[]]);
  });

  it('AfterShoppingCartCheckout finds the client through the order, and is done once', async () => {
    const localapi = { GetOrders: { result: 'success', orders: { order: [{ id: 9, userid: 2, invoiceid: 1001 }] } } };
    const run = await hook('AfterShoppingCartCheckout', { OrderID: 9, OrderNumber: '123', InvoiceID: 1001, ServiceIDs: [77], TotalDue: '1750.00' }, { localapi, times: 2 });
    expect(run.log).to.deep.equal([]);
    expect(await done('whmcs-AfterShoppingCartCheckout-9')).to.equal(1);
  });

  it('ClientClose marks the referral closed; DailyCronJob runs once a day', async () => {
    expect((await hook('ClientClose', { userid: 2 })).log).to.deep.equal([]);
    const referral = await db()(T.referrals).where({ client_id: 2 }).first();
    expect(referral.closed_at).to.not.equal(null);
    const cron = await hook('DailyCronJob', {}, { times: 2 });
    expect(cron.log).to.deep.equal([]);
    const today = new Date().toISOString().slice(0, 10);
    expect(await done(`whmcs-DailyCronJob-${today}`)).to.equal(1);
  });

  it('with a wrong secret nothing is done, and WHMCS’s activity log says why', async () => {
    const wrong = { ...settings, source_secret: 'whsec_' + Buffer.alloc(32, 9).toString('base64') };
    const before = (await db()(T.inboundEvents).count({ n: '*' }).first())?.n;
    const run = await php({ run: 'hooks', settings: wrong, hook: 'InvoicePaid', vars: { invoiceid: 1001 } });
    expect(run.log).to.have.length(1);
    expect(run.log[0]).to.match(/^Agent Tools: InvoicePaid whmcs-InvoicePaid-1001 not delivered: 401 /);
    expect((await db()(T.inboundEvents).count({ n: '*' }).first())?.n).to.equal(before);
  });

  it("the addon's client-area page shows the agent's page, made by the module for the WHMCS user", async () => {
    const localapi = { GetClientsDetails: { result: 'success', client: { id: 1, firstname: 'Alice', lastname: 'Agent', email: 'alice@example.com' } } };
    // The Links page: the referral link and a form (the short-link request).
    const run = await php({ run: 'clientarea', settings, localapi, session: { uid: 1 }, get: { m: 'agenttools', action: 'links' } });
    const page = run.results[0] as { pagetitle: string; templatefile: string; requirelogin: boolean; vars: { agenttools_html: string } };
    expect(page.templatefile).to.equal('page');
    expect(page.requirelogin).to.equal(true);
    expect(page.vars.agenttools_html).to.include(`/aff.php?aff=${agentId}`);
    // The module's forms carry the WHMCS session's token.
    expect(page.vars.agenttools_html).to.include('value="whmcs-session-token-1"');
  });

  it('a form posted through the addon is done and answered with a redirect to the WHMCS page; without the token it is refused', async () => {
    const identity = { area: 'client', client_id: 1, user_id: 1, email: 'alice@example.com', name: 'Alice Agent', csrf: 'whmcs-session-token-1' };
    const posted = await php({ run: 'forward', settings, identity, method: 'POST', path: '/index.php?m=agenttools&action=requestSlug', post: { slug: 'alice-cloud', _csrf: 'whmcs-session-token-1' } });
    expect(posted.results[0]).to.deep.include({ status: 303 });
    expect((posted.results[0] as { page: { redirect: string } }).page.redirect).to.match(/^\/index\.php\?m=agenttools/);
    const forged = await php({ run: 'forward', settings, identity, method: 'POST', path: '/index.php?m=agenttools&action=requestSlug', post: { slug: 'other-slug', _csrf: 'guessed-token-000' } });
    expect(forged.results[0]).to.deep.include({ status: 403 });
  });

  it('a page request not signed by the addon is refused', async () => {
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no port');
    const res = await fetch(`http://127.0.0.1:${address.port}/index.php?m=agenttools`, {
      headers: { 'x-agenttools-bridge': Buffer.from(JSON.stringify({ area: 'client', client_id: 1, user_id: 1, email: 'a@b', name: 'A', csrf: '12345678' })).toString('base64') },
    });
    expect(res.status).to.equal(401);
  });
});
