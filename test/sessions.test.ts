import { expect } from 'chai';
import request from 'supertest';
import session from 'express-session';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { onEachDatabase } from './support/databases';
import { PASSWORD, csrfFrom, startHost, type Fixture } from './support/host-fixture';
import { createHost } from '../host/app';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';

const sessionRows = async (f: Fixture) => Number((await f.host.db('host_sessions').count({ n: '*' }).first())?.n);

/** Waits until `done` holds, for at most `ms`: the store's cleanup runs on its own timer. */
async function eventually(done: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return done();
}

onEachDatabase('sessions are made only when there is something to keep, and expire', ({ current }) => {
  let f: Fixture;
  let cases = 0;

  before(async () => {
    f = await startHost(current().db);
  });
  beforeEach(() => {
    cases++;
  });
  after(async () => {
    console.log(`      sessions [${current().kind}]: ${cases} cases`);
    await f.host.stop();
  });

  it('200 anonymous views of the home page, a 404 and a referral link write no session and set no cookie', async () => {
    for (let i = 0; i < 200; i++) {
      const res = await request(f.host.app).get('/');
      expect(res.status).to.equal(200);
      expect(res.headers['set-cookie']).to.equal(undefined);
    }
    expect((await request(f.host.app).get('/no-such-page')).headers['set-cookie']).to.equal(undefined);
    expect((await request(f.host.app).get('/aff.php?aff=1')).headers['set-cookie']).to.equal(undefined);
    expect(await sessionRows(f)).to.equal(0);
  });

  it('the sign-up form makes one session for its token, and the sign-up posted with it goes through', async () => {
    const browser = request.agent(f.host.app);
    const form = await browser.get('/register');
    expect(await sessionRows(f)).to.equal(1);
    const res = await browser
      .post('/register')
      .type('form')
      .send({ firstname: 'Njeri', lastname: 'Kariuki', email: 'njeri@example.com', password: PASSWORD, currency: 'KES', _csrf: csrfFrom(form.text) });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/clientarea');
    // Signed in: the home page now shows her the Order forms, with the session's token.
    expect((await browser.get('/')).text).to.contain('name="_csrf"');
  });

  it('the login form makes a session for its token; logging in with it works, and a post without it is refused (403)', async () => {
    const browser = request.agent(f.host.app);
    const form = await browser.get('/login');
    expect(form.headers['set-cookie']?.[0]).to.match(/^billing\.sid=/);
    const without = await request(f.host.app).post('/login').type('form').send({ email: 'njeri@example.com', password: PASSWORD });
    expect(without.status).to.equal(403);
    const res = await browser
      .post('/login')
      .type('form')
      .send({ email: 'njeri@example.com', password: PASSWORD, _csrf: csrfFrom(form.text) });
    expect(res.status).to.equal(303);
    expect((await browser.get('/clientarea')).status).to.equal(200);
  });

  it('expired sessions are deleted by the store on its cleanup, live ones kept', async () => {
    // A second store on the same table writes a session that ended a minute ago and one that has
    // eight hours to go, as two visitors' sessions would be.
    const writer = new ConnectSessionKnexStore({ knex: f.host.db, tableName: 'host_sessions', createTable: false, cleanupInterval: 0 });
    const cookie = (ms: number) => Object.assign(new session.Cookie(), { maxAge: ms });
    await writer.set('ended-a-minute-ago', { cookie: cookie(-60_000) });
    await writer.set('eight-hours-left', { cookie: cookie(8 * 3600_000) });
    const kept = () => f.host.db('host_sessions').whereIn('sid', ['ended-a-minute-ago', 'eight-hours-left']).orderBy('sid').pluck('sid');
    expect(await kept()).to.deep.equal(['eight-hours-left', 'ended-a-minute-ago']);

    // A node that starts cleans up at once and then every sessionCleanupMs.
    const clock = new ManualClock();
    const node = await createHost({ db: f.host.db, clock, logger: new MemoryLogger(), sessionCleanupMs: 50 });
    try {
      expect(await eventually(async () => (await kept()).length === 1)).to.equal(true);
      expect(await kept()).to.deep.equal(['eight-hours-left']);
      await writer.set('ended-just-now', { cookie: cookie(-1) });
      expect(await eventually(async () => !(await f.host.db('host_sessions').where({ sid: 'ended-just-now' }).first()))).to.equal(true);
    } finally {
      await node.stop();
    }
  });
});
