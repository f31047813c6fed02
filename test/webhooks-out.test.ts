import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { onEachDatabase } from './support/databases';
import { defined } from './support/defined';
import { Scenario, expectRuleError } from './support/scenario';
import { connect } from '../module/db/connection';
import { T } from '../module/db/tables';
import { MemoryLogger } from '../module/core/logger';
import type { Program } from '../module/programs/program-service';
import { WebhookDispatcher } from '../module/webhooks-out';
import { OUTBOX_EVENTS } from '../module/core/outbox';
import { REFERRAL_COOKIE } from '../module/tracking';

/** What the receiver does with the next request: answer 500, never answer, or take it. */
type Behaviour = 'fail' | 'hang' | 'accept';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A real HTTP endpoint on a free local port that answers as it is told, and keeps what it got. */
async function receiver(next: () => Behaviour) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      got.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      const b = next();
      if (b === 'fail') res.writeHead(500).end('database down');
      if (b === 'accept') res.writeHead(204).end();
      // 'hang': no answer; the dispatcher's timeout ends it, the server's close cuts the socket.
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    got,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const managed = (amount: number) => ({ amount, category: 'Managed Subscriptions' });
/** Fixed jitter: every wait is ¾ of its full backoff (half, plus half of the other half). */
const HALF = () => 0.5;

onEachDatabase('webhooks out: an outbox, signed deliveries, retries, a log and a replay', ({ current }) => {
  let s: Scenario;
  let program: Program;
  const dispatcher = (db = current().db) => new WebhookDispatcher(db, s.clock, new MemoryLogger(), { timeoutMs: 300, random: HALF });
  const deliveries = () => current().db(T.webhookDeliveries).orderBy('id');

  beforeEach(async () => {
    // Real time, so that the receiver's standardwebhooks verify() (5 minutes' tolerance) takes the timestamps.
    s = await new Scenario(current().db, new Date().toISOString()).start();
    // Only the test's dispatchers send: not the timer that activate() started.
    await s.services.webhookDispatcher.stop();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
    await current().db(T.webhookAttempts).delete();
    await current().db(T.webhookDeliveries).delete();
    await current().db(T.webhookEvents).delete();
    await current().db(T.webhookEndpoints).delete();
  });
  afterEach(() => s.stop());

  it('a commission paid is sent signed to a receiver that fails (500), then times out, then accepts: delivered on the 3rd attempt, each attempt logged', async () => {
    const script: Behaviour[] = ['fail', 'hang', 'accept'];
    const r = await receiver(() => defined(script.shift(), 'a fourth request'));
    try {
      const endpoint = await s.services.webhookEndpoints.create({ url: r.url, description: 'ERP', events: ['commission.created'] });
      const agent = await s.agent(program, { tier: 'bronze' });
      const client = await s.referredClient(agent);
      const { invoiceId } = await s.pays(client, [managed(500_000)]);
      const d = dispatcher();

      // Attempt 1 at t0: 500. The next waits ¾ of 30 s = 22.5 s.
      expect(await d.runDue()).to.deep.equal({ attempted: 1, delivered: 0, failed: 0 });
      const t0 = s.clock.now();
      expect((await deliveries())[0]).to.include({ status: 'pending', attempts: 1 });
      expect(Number((await deliveries())[0].next_at)).to.equal(t0 + 22_500);
      expect(await d.runDue(), 'nothing is due before then').to.deep.equal({ attempted: 0, delivered: 0, failed: 0 });

      // Attempt 2 at t0 + 22.5 s: no answer within 300 ms. The next waits ¾ of 60 s = 45 s.
      s.clock.set(t0 + 22_500);
      expect(await d.runDue()).to.deep.equal({ attempted: 1, delivered: 0, failed: 0 });
      expect(Number((await deliveries())[0].next_at)).to.equal(t0 + 67_500);

      // Attempt 3 at t0 + 67.5 s: 204.
      s.clock.set(t0 + 67_500);
      expect(await d.runDue()).to.deep.equal({ attempted: 1, delivered: 1, failed: 0 });
      const [row] = await deliveries();
      expect(row).to.include({ status: 'delivered', attempts: 3, endpoint_id: endpoint.id });

      const attempts = await current().db(T.webhookAttempts).where({ delivery_id: row.id }).orderBy('id');
      expect(attempts.map((a) => [a.status_code, a.excerpt])).to.deep.equal([
        [500, 'database down'],
        [null, ''],
        [204, ''],
      ]);
      expect(attempts[1].error).to.equal('no answer within 300 ms');
      expect(Number(attempts[1].duration_ms)).to.be.at.least(250);

      // The receiver got the same message three times, each signed the Standard Webhooks way.
      expect(r.got).to.have.length(3);
      const hook = new Webhook(endpoint.secret);
      const first = defined(r.got[0], 'the first request');
      for (const m of r.got) expect(hook.verify(m.body, m.headers)).to.deep.equal(JSON.parse(first.body));
      expect(new Set(r.got.map((m) => m.headers['webhook-id'])).size).to.equal(1);
      const commission = defined((await s.services.commissions.forInvoice(invoiceId))[0], 'the commission');
      const body = JSON.parse(first.body);
      expect(body.type).to.equal('commission.created');
      expect(body.data).to.include({ commission_id: commission.id, agent_id: agent, client_id: client, invoice_id: invoiceId, currency: 'KES' });

      // A forged or altered message is refused by the same check.
      expect(() => hook.verify(first.body.replace('KES', 'USD'), first.headers)).to.throw();

      // The log shows the three attempts; a replay sends it again with the same webhook-id.
      const [view] = await s.services.webhookDeliveries.latest();
      expect(defined(view, 'the log').attempts.map((a) => a.statusCode)).to.deep.equal([500, null, 204]);
      script.push('accept');
      await s.services.webhookDeliveries.replay(row.id);
      expect(await d.runDue()).to.deep.equal({ attempted: 1, delivered: 1, failed: 0 });
      expect(r.got).to.have.length(4);
      const replayed = defined(r.got[3], 'the replay');
      expect(replayed.headers['webhook-id']).to.equal(first.headers['webhook-id']);
      expect(hook.verify(replayed.body, replayed.headers)).to.deep.equal(body);
      expect((await deliveries())[0]).to.include({ status: 'delivered', attempts: 4 });
    } finally {
      await r.close();
    }
  });

  it('an endpoint that never answers 2xx is tried 16 times over a day, then marked failed', async () => {
    const r = await receiver(() => 'fail');
    try {
      await s.services.webhookEndpoints.create({ url: r.url, description: '', events: ['agent.blocked'] });
      const agent = await s.agent(program);
      await s.services.forfeiture.block(agent, 'fraud', 'admin');
      const d = dispatcher();
      // Waits ¾ of 30 s doubled up to the 4 h cap: 22.5, 45, 90, 180, 360, 720, 1440, 2880, 5760 s,
      // then 10 800 s each. Attempts at 0, 22.5, 67.5, 157.5, 337.5, 697.5, 1417.5, 2857.5, 5737.5,
      // 11 497.5, 22 297.5, 33 097.5, 43 897.5, 54 697.5, 65 497.5 and 76 297.5 s: the 17th would be
      // at 87 097.5 s, past the day (86 400 s), so the 16th failure is the last.
      let attempts = 0;
      for (;;) {
        const tally = await d.runDue();
        attempts += tally.attempted;
        const [row] = await deliveries();
        if (row.status !== 'pending' || attempts > 30) break;
        s.clock.set(Number(row.next_at));
      }
      const [row] = await deliveries();
      expect(row).to.include({ status: 'failed', attempts: 16 });
      expect(attempts).to.equal(16);
      expect(r.got).to.have.length(16);
      expect(await current().db(T.webhookAttempts).where({ delivery_id: row.id })).to.have.length(16);
    } finally {
      await r.close();
    }
  });

  it('the event is written in the transaction of its change: a change rolled back leaves no event, one committed leaves one', async () => {
    await s.services.webhookEndpoints.create({ url: 'https://erp.example/hooks', description: '', events: ['referral.created'] });
    const agent = await s.agent(program);
    s.host.addClient(900);
    const undone = current().db.transaction(async (trx) => {
      await s.services.assignments.assign(900, agent, 'admin', 'moved by hand', 'admin', trx);
      expect(await trx(T.webhookEvents), 'seen inside the transaction').to.have.length(1);
      throw new Error('the rest of the change failed');
    });
    const caught = await undone.then(
      () => null,
      (e: unknown) => e,
    );
    expect(caught).to.be.instanceOf(Error).with.property('message', 'the rest of the change failed');
    expect(await current().db(T.referrals).where({ client_id: 900 })).to.have.length(0);
    expect(await current().db(T.webhookEvents)).to.have.length(0);
    expect(await deliveries()).to.have.length(0);

    await s.services.assignments.assign(900, agent, 'admin', 'moved by hand');
    const events = await current().db(T.webhookEvents);
    expect(events.map((e) => e.type)).to.deep.equal(['referral.created']);
    expect(JSON.parse(events[0].payload)).to.include({ client_id: 900, agent_id: agent, reassigned: false });
    expect(await deliveries()).to.have.length(1);
  });

  it('two dispatchers (two connection pools, as two nodes) running at once send each of 12 deliveries once', async () => {
    const r = await receiver(() => 'accept');
    const other = connect(current().url);
    try {
      await s.services.webhookEndpoints.create({ url: r.url, description: 'a', events: ['agent.tier_changed'] });
      await s.services.webhookEndpoints.create({ url: r.url, description: 'b', events: ['agent.tier_changed'] });
      // 6 events × 2 endpoints = 12 deliveries.
      await current().db.transaction(async (trx) => {
        for (let i = 1; i <= 6; i++) await s.services.outbox.add(trx, 'agent.tier_changed', { agent_id: i, from_tier: 'bronze', to_tier: 'silver' });
      });
      const [a, b] = await Promise.all([dispatcher().runDue(), dispatcher(other).runDue()]);
      expect(a.attempted + b.attempted).to.equal(12);
      expect(a.delivered + b.delivered).to.equal(12);
      expect(r.got).to.have.length(12);
      const sent = r.got.map((m) => `${m.headers['webhook-id']} ${m.headers['webhook-signature']}`);
      expect(new Set(sent).size, 'each (message, endpoint) once').to.equal(12);
      expect(await current().db(T.webhookAttempts)).to.have.length(12);
      expect(await deliveries()).to.satisfy((rows: { status: string; attempts: number }[]) => rows.every((x) => x.status === 'delivered' && x.attempts === 1));
    } finally {
      await other.destroy();
      await r.close();
    }
  });

  it('refuses an address that is not http(s), beside the field', async () => {
    for (const url of ['ftp://erp.example/x', 'javascript:alert(1)', 'file:///etc/passwd', 'erp.example']) {
      await expectRuleError(s.services.webhookEndpoints.create({ url, description: '', events: ['payout.paid'] }), 'url', /http:\/\/ or https:\/\//);
    }
    expect(await current().db(T.webhookEndpoints)).to.have.length(0);
  });
});

/** A fresh database of its own: the invoice and client numbers of the scenario start again at 1. */
onEachDatabase('webhooks out: where each event is written', ({ current }) => {
  let s: Scenario;
  let program: Program;
  const deliveries = () => current().db(T.webhookDeliveries).orderBy('id');
  before(async () => {
    s = await new Scenario(current().db, new Date().toISOString()).start();
    await s.services.webhookDispatcher.stop();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
  });
  after(() => s.stop());

  it('each wired change writes its event in its own transaction, in the order they happen', async () => {
    await s.services.webhookEndpoints.create({ url: 'http://127.0.0.1:1/hooks', description: 'all', events: [...OUTBOX_EVENTS] });
    const agent = await s.agent(program, { tier: 'bronze' });
    s.host.addClient(900);
    await s.services.assignments.assign(900, agent, 'admin', 'came by phone');
    // KES 300,000.00 of managed subscriptions at Bronze's 5 %: KES 15,000.00 pending.
    const { invoiceId } = await s.pays(900, [managed(30_000_000)]);
    // A third refunded: KES 5,000.00 of it voided, KES 10,000.00 left.
    await s.refund(invoiceId, 10_000_000);
    // By day 45 the month has closed: Bronze's 1 % target bonus on the KES 300,000.00 sold, less the
    // refunded third, is KES 2,000.00, a commission of its own; then the hold ends and the cron
    // releases both. The agent withdraws KES 10,000.00, paid less 5 % withholding (KES 500.00).
    await s.daysPass(45);
    const withdrawal = await s.withdraw(agent, '10000.00');
    await s.services.withdrawals.markPaid(withdrawal.id, 1);
    await s.services.tierChanges.override(agent, 'silver', 'promoted by the regional manager', 'admin:1');
    await s.services.forfeiture.block(agent, 'sold outside the program', 'admin');

    const events = await current().db(T.webhookEvents).orderBy('id');
    const told = events.map((e) => [e.type, JSON.parse(e.payload)]);
    const money = { agent_id: agent, currency: 'KES' };
    expect(told).to.deep.equal([
      ['referral.created', { client_id: 900, agent_id: agent, program_id: program.id, how: 'admin', reassigned: false }],
      ['commission.created', { ...money, commission_id: 1, client_id: 900, invoice_id: invoiceId, amount_minor: 1_500_000, available_at: told[1]?.[1].available_at }],
      ['commission.reversed', { ...money, commission_id: 1, invoice_id: invoiceId, taken_minor: 500_000, in_full: false }],
      ['commission.created', { ...money, commission_id: 2, client_id: 900, invoice_id: invoiceId, amount_minor: 200_000, available_at: told[1]?.[1].available_at }],
      ['commission.available', { ...money, commission_id: 1, amount_minor: 1_000_000 }],
      ['commission.available', { ...money, commission_id: 2, amount_minor: 200_000 }],
      ['payout.paid', { ...money, withdrawal_id: withdrawal.id, amount_minor: 1_000_000, tax_minor: 50_000 }],
      ['agent.tier_changed', { agent_id: agent, program_id: program.id, from_tier: 'bronze', to_tier: 'silver', rule: 'admin' }],
      ['agent.blocked', { agent_id: agent, reason: 'sold outside the program' }],
    ]);
    expect(await deliveries()).to.have.length(events.length);
  });

  it('a sign-up through the referral link writes referral.created (how: sign-up) with the referral; the same sign-up delivered again writes nothing more', async () => {
    await s.services.webhookEndpoints.create({ url: 'http://127.0.0.1:1/signups', description: 'sign-ups', events: ['referral.created'] });
    const agent = await s.agent(program);
    const cookie = await s.click(agent);
    const client = await s.signsUp(cookie);
    const told = async () => (await current().db(T.webhookEvents).where({ type: 'referral.created' })).map((e) => JSON.parse(e.payload)).filter((p) => p.client_id === client);
    expect(await told()).to.deep.equal([{ client_id: client, agent_id: agent, program_id: program.id, how: 'sign-up', reassigned: false }]);
    await s.fire('ClientAdd', { client_id: client, user_id: client, email: `client${client}@example.com`, firstname: 'C', lastname: 'L' }, { request: { cookies: { [REFERRAL_COOKIE]: cookie } } });
    expect(await told()).to.have.length(1);
    // Blocked with a commission still pending: it is forfeited, and told as reversed in full.
    await s.services.webhookEndpoints.create({ url: 'http://127.0.0.1:1/reversals', description: 'reversals', events: ['commission.reversed'] });
    const { invoiceId } = await s.pays(client, [managed(100_000)]);
    const [pending] = await s.commissionsOf(invoiceId);
    await s.services.forfeiture.block(agent, 'sold outside the program', 'admin');
    const reversed = (await current().db(T.webhookEvents).where({ type: 'commission.reversed' })).map((e) => JSON.parse(e.payload)).filter((p) => p.agent_id === agent);
    expect(reversed).to.deep.equal([{ commission_id: reversed[0]?.commission_id, agent_id: agent, invoice_id: invoiceId, taken_minor: pending?.[1], currency: 'KES', in_full: true }]);
  });
});
