import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { session, startHost, type Fixture } from './support/host-fixture';
import { T } from '../module/db/tables';

const area = (action: string) => `/admin/addonmodules.php?module=agenttools&action=${action}`;
const PAGE = area('webhooks');
const LOG = area('webhookDeliveries');

/** The admin's webhook endpoints and delivery log in the reference host. */
onEachDatabase('webhook endpoints and their delivery log, by the admin', ({ current }) => {
  let f: Fixture;
  before(async function () {
    this.timeout(60_000);
    f = await startHost(current().db);
  });
  after(() => f.host.stop());

  it('refuses an address that is not http(s) beside the field, and adds nothing', async () => {
    const admin = await session(f.host, { admin: true });
    const res = await admin.post(PAGE, area('createWebhook'), { url: 'ftp://erp.example/in', description: 'ERP', payout_paid: '1' });
    expect(res.status).to.equal(422);
    expect(res.text).to.match(/id="url"[^>]*value="ftp:\/\/erp.example\/in"[\s\S]*?class="field-error" role="alert">An http:\/\/ or https:\/\/ address\./);
    expect(res.text).to.not.include('whsec_');
    const none = await admin.post(PAGE, area('createWebhook'), { url: 'https://erp.example/in', description: 'ERP' });
    expect(none.status).to.equal(422);
    expect(none.text).to.include('Pick at least one event.');
    expect(await current().db(T.webhookEndpoints)).to.have.length(0);
  });

  it('adds an endpoint with the events picked, its secret shown once; the log shows each attempt, and a replay makes it due again', async () => {
    const admin = await session(f.host, { admin: true });
    // Port 1 on the loopback refuses at once: an attempt with no status, logged.
    const made = await admin.post(PAGE, area('createWebhook'), { url: 'http://127.0.0.1:1/in', description: 'ERP', payout_paid: '1', agent_blocked: '1' });
    expect(made.status).to.equal(200);
    expect(made.headers['cache-control']).to.equal('no-store');
    const secret = /id="secret" readonly size="60" value="(whsec_[A-Za-z0-9+/=]+)"/.exec(made.text)?.[1];
    expect(secret).to.be.a('string');
    const stored = await current().db(T.webhookEndpoints).first();
    expect(stored).to.include({ url: 'http://127.0.0.1:1/in', events: 'payout.paid,agent.blocked', secret });
    expect((await admin.agent.get(PAGE)).text).to.not.include(String(secret));

    const { services } = f.host.agentTools;
    await current().db.transaction((trx) => services.outbox.add(trx, 'payout.paid', { withdrawal_id: 7 }));
    expect(await services.webhookDispatcher.runDue()).to.include({ attempted: 1, delivered: 0 });
    const log = await admin.agent.get(LOG);
    expect(log.status).to.equal(200);
    expect(log.text).to.include('payout.paid').and.include('http://127.0.0.1:1/in').and.include('msg_at_');
    const delivery = await current().db(T.webhookDeliveries).first();
    expect(delivery).to.include({ status: 'pending', attempts: 1 });

    // Days later, still failing: the admin sends it again by hand, due at once.
    await current()
      .db(T.webhookDeliveries)
      .update({ next_at: f.clock.now() + 3_600_000 });
    const replay = await admin.post(LOG, area('replayWebhook'), { delivery_id: delivery.id });
    expect(replay.status).to.equal(303);
    expect(Number((await current().db(T.webhookDeliveries).first()).next_at)).to.equal(f.clock.now());
    const unknown = await admin.post(LOG, area('replayWebhook'), { delivery_id: 999_999 });
    expect(unknown.status).to.equal(422);
    expect(unknown.text).to.include('There is no such delivery');
  });

  it('is the admin’s alone: a visitor cannot add an endpoint, and a form without the token is refused', async () => {
    const anonymous = await request(f.host.app).post(area('createWebhook')).type('form').send({ url: 'https://evil.example/', payout_paid: '1' });
    expect(anonymous.status).to.be.oneOf([302, 303, 403]);
    const admin = await session(f.host, { admin: true });
    const noToken = await admin.agent.post(area('replayWebhook')).type('form').send({ delivery_id: '1' });
    expect(noToken.status).to.equal(403);
    expect(await current().db(T.webhookEndpoints).where({ url: 'https://evil.example/' })).to.have.length(0);
  });
});
