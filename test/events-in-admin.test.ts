import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { csrfFrom, session, startHost, type Fixture } from './support/host-fixture';
import { eventId, signedEvent } from './support/signed-events';
import { T } from '../module/db/tables';
import { EVENTS_PATH } from '../module/events-in/events-router';

const PAGE = '/admin/addonmodules.php?module=agenttools&action=eventSources';
const CREATE = '/admin/addonmodules.php?module=agenttools&action=createEventSource';
const REVOKE = '/admin/addonmodules.php?module=agenttools&action=revokeEventSource';

/** The admin's event sources in the reference host: made with a secret shown once, then revoked. */
onEachDatabase('event sources, by the admin', ({ current }) => {
  let f: Fixture;
  before(async function () {
    this.timeout(60_000);
    f = await startHost(current().db);
  });
  after(() => f.host.stop());

  it('shows a new source’s secret once, on the answer to the form; the host takes events signed with it until it is revoked', async () => {
    const admin = await session(f.host, { admin: true });
    const made = await admin.post(PAGE, CREATE, { name: 'WHMCS main' });
    expect(made.status).to.equal(200);
    expect(made.headers['cache-control']).to.equal('no-store');
    const secret = /id="secret" readonly size="60" value="(whsec_[A-Za-z0-9+/=]+)"/.exec(made.text)?.[1];
    expect(secret).to.be.a('string');
    const stored = await current().db(T.eventSources).where({ name: 'WHMCS main' }).first();
    expect(stored.secret).to.equal(secret);

    const page = await admin.agent.get(PAGE);
    expect(page.text).to.include('WHMCS main');
    expect(page.text).to.not.include(secret!);

    const cron = () => signedEvent(secret!, eventId(), f.clock.now(), 'DailyCronJob', {});
    const sent = cron();
    const accepted = await request(f.host.app).post(EVENTS_PATH).set(sent.headers).send(sent.body);
    expect(accepted.status, accepted.text).to.equal(200);

    const revoked = await admin.agent
      .post(REVOKE)
      .type('form')
      .send({ id: String(stored.id), _csrf: csrfFrom(page.text) });
    expect(revoked.status).to.equal(303);
    const after = cron();
    expect((await request(f.host.app).post(EVENTS_PATH).set(after.headers).send(after.body)).status).to.equal(401);
  });

  it('refuses a name already taken or empty beside the field, and makes nothing', async () => {
    const admin = await session(f.host, { admin: true });
    const before = (await current().db(T.eventSources).count({ n: '*' }).first())?.n;
    const taken = await admin.post(PAGE, CREATE, { name: 'WHMCS main' });
    expect(taken.status).to.equal(422);
    expect(taken.text).to.include('A source with this name exists already.');
    const empty = await admin.post(PAGE, CREATE, { name: '  ' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.not.include('whsec_');
    expect((await current().db(T.eventSources).count({ n: '*' }).first())?.n).to.equal(before);
  });

  it('is the admin’s alone: a client cannot make a source, and a form without the token is refused', async () => {
    const visitor = request(f.host.app);
    const anonymous = await visitor.post(CREATE).type('form').send({ name: 'sneaky' });
    expect(anonymous.status).to.be.oneOf([302, 303, 403]);
    const admin = await session(f.host, { admin: true });
    const noToken = await admin.agent.post(CREATE).type('form').send({ name: 'sneaky' });
    expect(noToken.status).to.equal(403);
    expect(await current().db(T.eventSources).where({ name: 'sneaky' })).to.have.length(0);
  });
});
