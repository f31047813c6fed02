import { expect } from 'chai';
import express, { type Express } from 'express';
import request from 'supertest';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { MemoryHost } from './support/memory-host';
import { eventId, signedEvent, signedHeaders } from './support/signed-events';
import { connect } from '../module/db/connection';
import { createAgentTools, type AgentTools } from '../module/agenttools';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { EVENTS_PATH } from '../module/events-in/events-router';
import { STALE_CLAIM_MS } from '../module/events-in/inbound-event-log';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { BROWSER } from './support/user-agents';

/**
 * Events from a billing system outside the process, on two app nodes (two module instances, each
 * with its own pool on one database, as two processes behind a load balancer). The default
 * program pays 10 % of each invoice line, so an invoice of 1,000.00 + 500.00 + 250.00 earns
 * 100.00 + 50.00 + 25.00 = 175.00 (17,500 minor units).
 */
onEachDatabase('signed events in', ({ current }) => {
  const host = new MemoryHost();
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  let secondPool: Knex;
  let nodes: AgentTools[];
  let apps: Express[];
  let secret: string;
  let sourceId: number;
  let agentId: number;
  let nextInvoice = 500;

  const db = () => current().db;
  const post = (app: Express, e: { body: string; headers: Record<string, string> }) => request(app).post(EVENTS_PATH).set(e.headers).send(e.body);
  const commissions = async (invoiceId: number) => (await db()(T.commissions).where({ invoice_id: invoiceId }).orderBy('amount_minor')).map((r) => Number(r.amount_minor));
  const inboundRows = async () => Number((await db()(T.inboundEvents).count({ n: '*' }).first())?.n);
  /** A paid invoice of client 2 (the agent's referral), 1,750.00 over three lines. */
  const paidInvoice = () => {
    const id = nextInvoice++;
    host.addPaidInvoice(id, 2, [100_000, 50_000, 25_000], clock.now());
    return id;
  };

  before(async function () {
    this.timeout(120_000);
    secondPool = current().kind === 'mariadb' ? connect(current().url) : current().db;
    const make = (pool: Knex) => createAgentTools({ db: pool, host, clock, logger: new MemoryLogger(), secret: 'shared-secret' });
    nodes = [make(current().db), make(secondPool)];
    await Promise.all(nodes.map((n) => n.activate()));
    // A failed event's 500 without express's printed stack (the test that fails one expects it).
    const quiet = (_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).end();
    apps = nodes.map((n) => express().use(n.events()).use(quiet));
    const source = await nodes[0]!.services.eventSources.create('whmcs');
    secret = source.secret;
    sourceId = source.id;
    host.addClient(1);
    host.addClient(2);
    const program = await nodes[0]!.services.programs.bySlug('default');
    agentId = (await nodes[0]!.services.agents.activateForClient(1, program!.id)).id;
    await nodes[0]!.services.assignments.assign(2, agentId, 'admin', 'test');
  });
  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    if (secondPool !== current().db) await secondPool.destroy();
  });

  it('a signed InvoicePaid earns the commissions; delivered again, it is answered as a duplicate and earns nothing more', async () => {
    const invoiceId = paidInvoice();
    const e = signedEvent(secret, eventId(), clock.now(), 'InvoicePaid', { invoiceid: invoiceId });
    const first = await post(apps[0]!, e);
    expect(first.status, first.text).to.equal(200);
    expect(first.body).to.deep.include({ type: 'InvoicePaid', duplicate: false });
    expect(await commissions(invoiceId)).to.deep.equal([2_500, 5_000, 10_000]);
    const again = await post(apps[1]!, e);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.include({ duplicate: true });
    expect(await commissions(invoiceId)).to.deep.equal([2_500, 5_000, 10_000]);
    // The host events of migration 012 have the payment, as after the in-process hook.
    expect(await db()(T.hostEvents).where({ invoice_id: invoiceId, event: 'InvoicePaid' })).to.have.length(1);
  });

  it('the same event sent to both nodes at once, twenty times over, is processed once each time', async function () {
    this.timeout(60_000);
    const before = await inboundRows();
    let processed = 0;
    for (let i = 0; i < 20; i++) {
      const invoiceId = paidInvoice();
      const e = signedEvent(secret, eventId('race'), clock.now(), 'InvoicePaid', { invoiceid: invoiceId });
      const answers = await Promise.all(apps.map((app) => post(app, e)));
      // The loser is told it was done (200, duplicate) or is being done (409, retry later).
      for (const a of answers) expect([200, 409], a.text).to.include(a.status);
      processed += answers.filter((a) => a.status === 200 && a.body.duplicate === false).length;
      expect(await commissions(invoiceId)).to.deep.equal([2_500, 5_000, 10_000]);
    }
    expect(processed).to.equal(20);
    expect((await inboundRows()) - before).to.equal(20);
  });

  it('refuses a wrong signature, a stale or future timestamp and missing headers with 401, and changes nothing', async () => {
    const invoiceId = paidInvoice();
    const before = await inboundRows();
    const id = eventId();
    const good = signedEvent(secret, id, clock.now(), 'InvoicePaid', { invoiceid: invoiceId });
    const otherSecret = 'whsec_' + Buffer.alloc(32, 7).toString('base64');
    const cases = [
      { what: 'another secret', headers: signedHeaders(otherSecret, id, clock.now(), good.body), problem: 'bad-signature' },
      { what: 'a body changed after signing', headers: good.headers, body: good.body.replace(String(invoiceId), String(invoiceId + 1000)), problem: 'bad-signature' },
      { what: 'another id', headers: { ...good.headers, 'webhook-id': eventId() }, problem: 'bad-signature' },
      { what: 'five minutes and a second old', headers: signedHeaders(secret, id, clock.now() - 301_000, good.body), problem: 'stale-timestamp' },
      { what: 'five minutes and a second ahead', headers: signedHeaders(secret, id, clock.now() + 301_000, good.body), problem: 'stale-timestamp' },
      { what: 'no signature', headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(clock.now() / 1000)) }, problem: 'bad-signature' },
    ];
    for (const c of cases) {
      const res = await post(apps[0]!, { body: c.body ?? good.body, headers: c.headers });
      expect(res.status, c.what).to.equal(401);
      expect(res.type, c.what).to.equal('application/problem+json');
      expect(JSON.parse(res.text), c.what).to.deep.include({ status: 401, type: `urn:agenttools:problem:${c.problem}` });
    }
    expect(await inboundRows()).to.equal(before);
    expect(await commissions(invoiceId)).to.deep.equal([]);
    // Four minutes and fifty-nine seconds old is inside the window: the same id, now accepted.
    const late = await post(apps[0]!, { body: good.body, headers: signedHeaders(secret, id, clock.now() - 299_000, good.body) });
    expect(late.status, late.text).to.equal(200);
    expect(await commissions(invoiceId)).to.deep.equal([2_500, 5_000, 10_000]);
  });

  it('refuses a bad body with 400 and each bad field, and changes nothing', async () => {
    const before = await inboundRows();
    const cases: { body: string; pointers: string[] }[] = [
      { body: JSON.stringify({ type: 'InvoicePaid', data: { invoiceid: 'seven' } }), pointers: ['/data/invoiceid'] },
      { body: JSON.stringify({ type: 'InvoicePaid', data: {} }), pointers: ['/data/invoiceid'] },
      { body: JSON.stringify({ type: 'ClientAdd', data: { client_id: 0, user_id: 5, email: 'not-mail', firstname: 'A', lastname: 'B' } }), pointers: ['/data/client_id', '/data/email'] },
      { body: JSON.stringify({ type: 'ClientAreaPrimarySidebar', data: {} }), pointers: ['/type'] },
      { body: JSON.stringify({ data: { invoiceid: 1 } }), pointers: ['/type'] },
      { body: '{"type": "InvoicePaid", "data": ', pointers: [''] },
    ];
    for (const c of cases) {
      const id = eventId('bad');
      const res = await post(apps[1]!, { body: c.body, headers: signedHeaders(secret, id, clock.now(), c.body) });
      expect(res.status, c.body).to.equal(400);
      const problem = JSON.parse(res.text) as { type: string; errors: { pointer: string; detail: string }[] };
      expect(problem.type).to.equal('urn:agenttools:problem:invalid-event');
      expect(
        problem.errors.map((e) => e.pointer),
        c.body,
      ).to.deep.equal(c.pointers);
      for (const e of problem.errors) expect(e.detail).to.be.a('string').and.not.equal('');
    }
    expect(await inboundRows()).to.equal(before);
  });

  it('a revoked source is refused', async () => {
    const other = await nodes[0]!.services.eventSources.create('old billing');
    const e = signedEvent(other.secret, eventId(), clock.now(), 'DailyCronJob', {});
    expect((await post(apps[0]!, e)).status).to.equal(200);
    await nodes[0]!.services.eventSources.revoke(other.id);
    const next = signedEvent(other.secret, eventId(), clock.now(), 'DailyCronJob', {});
    expect((await post(apps[0]!, next)).status).to.equal(401);
    // The other node read the list before the revoke; it is refused there within ten seconds.
    clock.set(clock.now() + 10_000);
    const later = signedEvent(other.secret, eventId(), clock.now(), 'DailyCronJob', {});
    expect((await post(apps[1]!, later)).status).to.equal(401);
  });

  it('a validation event answers with the messages by field, and a repeat gives the first answer', async () => {
    const e = signedEvent(secret, eventId(), clock.now(), 'ShoppingCartValidateCheckout', { userid: 2, referral_code: 'NOSUCH99' });
    const first = await post(apps[0]!, e);
    expect(first.status).to.equal(200);
    expect(first.body.errors).to.have.keys('referral_code');
    const again = await post(apps[1]!, e);
    expect(again.body).to.deep.include({ duplicate: true, errors: first.body.errors });
  });

  it('ClientAdd attributes the new client by the referral cookie the host passed in the context', async () => {
    host.addClient(3);
    const click = await nodes[0]!.services.tracking.click(String(agentId), { ip: '203.0.113.9', userAgent: BROWSER, referer: '' });
    const data = { client_id: 3, user_id: 3, email: 'client3@example.com', firstname: 'Client3', lastname: 'Test' };
    const e = signedEvent(secret, eventId(), clock.now(), 'ClientAdd', data, { cookies: { [REFERRAL_COOKIE]: click.cookie!.value } });
    expect((await post(apps[1]!, e)).status).to.equal(200);
    const referral = await db()(T.referrals).where({ client_id: 3 }).first();
    expect(Number(referral.agent_id)).to.equal(agentId);
  });

  it('a delivery that finds the event at work on another node gets 409; a claim left by a dead node is taken over after ten minutes', async () => {
    const invoiceId = paidInvoice();
    const id = eventId('dead');
    // Another node claimed it and died before its work (the claim is all it left).
    const claim = await nodes[0]!.services.inboundEvents.claim(sourceId, id, 'InvoicePaid');
    expect(claim.kind).to.equal('claimed');
    const e = signedEvent(secret, id, clock.now(), 'InvoicePaid', { invoiceid: invoiceId });
    const busy = await post(apps[1]!, e);
    expect(busy.status).to.equal(409);
    expect(busy.headers['retry-after']).to.equal('5');
    expect(await commissions(invoiceId)).to.deep.equal([]);
    clock.set(clock.now() + STALE_CLAIM_MS);
    const retry = signedEvent(secret, id, clock.now(), 'InvoicePaid', { invoiceid: invoiceId });
    const taken = await post(apps[1]!, retry);
    expect(taken.status, taken.text).to.equal(200);
    expect(taken.body.duplicate).to.equal(false);
    expect(await commissions(invoiceId)).to.deep.equal([2_500, 5_000, 10_000]);
  });

  it('an event whose work fails frees its id: the sender retries and it is done once', async () => {
    const invoiceId = paidInvoice();
    const getInvoice = host.getInvoice.bind(host);
    host.getInvoice = () => Promise.reject(new Error('the billing API is down'));
    const e = signedEvent(secret, eventId(), clock.now(), 'InvoicePaid', { invoiceid: invoiceId });
    try {
      expect((await post(apps[0]!, e)).status).to.equal(500);
    } finally {
      host.getInvoice = getInvoice;
    }
    expect(await db()(T.inboundEvents).where({ event_id: e.headers['webhook-id'] })).to.have.length(0);
    const retry = await post(apps[0]!, e);
    expect(retry.status, retry.text).to.equal(200);
    expect(await commissions(invoiceId)).to.deep.equal([2_500, 5_000, 10_000]);
  });

  it('an event about an invoice the host does not have is refused with 422, nothing recorded; once the host has it, the same id is taken', async () => {
    const invoiceId = nextInvoice++;
    const before = await inboundRows();
    const e = signedEvent(secret, eventId(), clock.now(), 'InvoicePaid', { invoiceid: invoiceId });
    const refused = await post(apps[0]!, e);
    expect(refused.status, refused.text).to.equal(422);
    expect(JSON.parse(refused.text)).to.deep.include({ status: 422, type: 'urn:agenttools:problem:rejected' });
    expect(await inboundRows()).to.equal(before);
    expect(await commissions(invoiceId)).to.deep.equal([]);
    host.addPaidInvoice(invoiceId, 2, [100_000, 50_000, 25_000], clock.now());
    const taken = await post(apps[0]!, e);
    expect(taken.status, taken.text).to.equal(200);
    expect(await commissions(invoiceId)).to.deep.equal([2_500, 5_000, 10_000]);
  });

  it('is not taken while the module is inactive (503), and nothing is recorded', async () => {
    const before = await inboundRows();
    await nodes[0]!.deactivate();
    try {
      const res = await post(apps[0]!, signedEvent(secret, eventId(), clock.now(), 'DailyCronJob', {}));
      expect(res.status).to.equal(503);
      expect(await inboundRows()).to.equal(before);
    } finally {
      await nodes[0]!.activate();
    }
  });
});
