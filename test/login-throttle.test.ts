import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { PASSWORD, csrfFrom, session, signUp } from './support/host-fixture';
import { createHost, type Host } from '../host/app';
import { hashPassword, verifyPassword } from '../host/auth/passwords';
import { LOGIN_LIMITS } from '../host/auth/login-throttle';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';

/** The scrypt parameters every stored hash carries, the dummy one too. */
const SCRYPT_HASH = /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/;

onEachDatabase('sign-ins are throttled per account and per address, and cost the same for an unknown name', ({ current }) => {
  let host: Host;
  /** Every password check the strategies make, with the hash it was checked against. */
  const checks: string[] = [];
  let cases = 0;

  const start = (db = current().db) =>
    createHost({
      db,
      clock: new ManualClock(),
      logger: new MemoryLogger(),
      verifyPassword: (password, stored) => {
        checks.push(stored);
        return verifyPassword(password, stored);
      },
    });

  /** A browser on the login page, from one address (the host trusts X-Forwarded-For from loopback). */
  const browser = async (ip: string, path = '/login') => {
    const agent = request.agent(host.app);
    const form = async () => csrfFrom((await agent.get(path).set('X-Forwarded-For', ip)).text);
    let token = await form();
    const field = path === '/admin/login' ? 'username' : 'email';
    return async (name: string, password: string) => {
      const res = await agent
        .post(path)
        .set('X-Forwarded-For', ip)
        .type('form')
        .send({ [field]: name, password, _csrf: token });
      // A sign-in starts a new session, with a new token.
      if (res.status === 303) token = await form();
      return res;
    };
  };

  before(async () => {
    host = await start();
    await host.db('host_admins').insert({ username: 'admin', password_hash: await hashPassword(PASSWORD) });
    await signUp(host, await session(host), 'fatuma@example.com');
    await signUp(host, await session(host), 'otieno@example.com');
  });
  beforeEach(() => {
    cases++;
    checks.length = 0;
  });
  after(async () => {
    console.log(`      login-throttle [${current().kind}]: ${cases} cases`);
    await host.stop();
  });

  it('60 wrong passwords for one account sent at once: 10 are checked (401), 50 refused unchecked (429, Retry-After 15 minutes)', async () => {
    const login = await browser('203.0.113.1');
    const answers = await Promise.all(Array.from({ length: 60 }, () => login('fatuma@example.com', 'wrong password')));
    const wrong = answers.filter((a) => a.status === 401);
    const refused = answers.filter((a) => a.status === 429);
    expect([wrong.length, refused.length]).to.deep.equal([LOGIN_LIMITS.account.points, 50]);
    expect(checks).to.have.length(10);
    for (const a of refused) {
      // 15 × 60 = 900 seconds, less what has passed since the lock began.
      expect(Number(a.headers['retry-after'])).to.be.within(880, 900);
      expect(a.text).to.contain('Too many failed sign-ins. Try again in 15 minutes.');
    }
  });

  it('while the account is locked, even the right password is refused, from another address too, and not checked', async () => {
    const login = await browser('203.0.113.2');
    const res = await login('Fatuma@Example.com ', PASSWORD);
    expect(res.status).to.equal(429);
    expect(checks).to.deep.equal([]);
  });

  it('a second app node on the same database sees the same lock', async () => {
    const other = await start();
    try {
      const agent = request.agent(other.app);
      const token = csrfFrom((await agent.get('/login')).text);
      const res = await agent.post('/login').type('form').send({ email: 'fatuma@example.com', password: PASSWORD, _csrf: token });
      expect(res.status).to.equal(429);
    } finally {
      await other.stop();
    }
  });

  it('once the lock has run out the right password signs her in, and the account starts again from 10', async () => {
    // The store counts in wall-clock time: end her windows as the clock would in 15 minutes.
    await host.db('host_login_limits').update({ expire: Date.now() - 1 });
    const login = await browser('203.0.113.3');
    expect((await login('fatuma@example.com', PASSWORD)).status).to.equal(303);
    const after = [];
    for (let i = 0; i < 11; i++) after.push((await login('fatuma@example.com', 'wrong password')).status);
    expect(after).to.deep.equal([...Array<number>(10).fill(401), 429]);
  });

  it('a right password gives the account back its points: 9 wrong, 1 right, 9 wrong again are all checked', async () => {
    const login = await browser('203.0.113.4');
    const statuses = [];
    for (let i = 0; i < 9; i++) statuses.push((await login('otieno@example.com', 'wrong password')).status);
    statuses.push((await login('otieno@example.com', PASSWORD)).status);
    for (let i = 0; i < 9; i++) statuses.push((await login('otieno@example.com', 'wrong password')).status);
    expect(statuses).to.deep.equal([...Array<number>(9).fill(401), 303, ...Array<number>(9).fill(401)]);
    expect(checks).to.have.length(19);
  });

  it('one address trying many accounts: 50 failures in the hour, then refused for any account (429)', async () => {
    const login = await browser('198.51.100.7');
    const statuses: number[] = [];
    // Five names, ten tries each: no account reaches its own lock before the address does.
    for (let n = 0; n < 5; n++) for (let i = 0; i < 10; i++) statuses.push((await login(`guess${n}@example.com`, 'wrong password')).status);
    expect(statuses.filter((s) => s === 401)).to.have.length(LOGIN_LIMITS.address.points);
    const next = await login('otieno@example.com', PASSWORD);
    expect(next.status).to.equal(429);
    expect(Number(next.headers['retry-after'])).to.be.within(3580, 3600);
  });

  it('an unknown e-mail is checked against a dummy scrypt hash, one check as for a real account', async () => {
    const login = await browser('203.0.113.5');
    expect((await login('nobody@example.com', 'wrong password')).status).to.equal(401);
    expect((await login('otieno@example.com', 'wrong password')).status).to.equal(401);
    expect(checks).to.have.length(2);
    const [dummy, real] = checks;
    expect(dummy).to.match(SCRYPT_HASH);
    expect(real).to.match(SCRYPT_HASH);
    expect(dummy).to.not.equal(real);
  });

  it('an unknown admin name is checked against the same dummy hash', async () => {
    const login = await browser('203.0.113.6', '/admin/login');
    expect((await login('root', 'wrong password')).status).to.equal(401);
    expect((await login('nobody@example.com', 'x')).status).to.equal(401);
    expect(checks).to.have.length(2);
    expect(checks[0]).to.match(SCRYPT_HASH);
    expect(checks[1]).to.equal(checks[0]);
  });

  it('a name longer than any key column is throttled like another (its key is a hash), not a 500', async () => {
    const login = await browser('203.0.113.8');
    expect((await login(`${'a'.repeat(5000)}@example.com`, 'wrong password')).status).to.equal(401);
  });

  it('a name in the query string instead of the body is refused (400) before any point is taken or password checked', async () => {
    const agent = request.agent(host.app);
    const token = csrfFrom((await agent.get('/login')).text);
    const res = await agent.post('/login?email=otieno%40example.com').set('X-Forwarded-For', '203.0.113.9').type('form').send({ password: PASSWORD, _csrf: token });
    expect(res.status).to.equal(400);
    const admin = request.agent(host.app);
    const adminToken = csrfFrom((await admin.get('/admin/login')).text);
    const viaQuery = await admin.post('/admin/login?username=admin').set('X-Forwarded-For', '203.0.113.9').type('form').send({ username: ' ', password: PASSWORD, _csrf: adminToken });
    expect(viaQuery.status).to.equal(400);
    expect(checks).to.deep.equal([]);
    expect(await host.db('host_login_limits').where('key', 'like', '%203.0.113.9%').select('key')).to.deep.equal([]);
  });

  it('every spelling of one admin name shares one bucket: 10 failures as "Admin", then "aDmin " with the right password is refused (429)', async () => {
    const login = await browser('203.0.113.10', '/admin/login');
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await login('Admin', 'wrong password')).status);
    statuses.push((await login('aDmin ', PASSWORD)).status);
    expect(statuses).to.deep.equal([...Array<number>(10).fill(401), 429]);
    expect(checks).to.have.length(10);
  });

  it('10 failures as "Otieno@Example.com", then "otieno@example.com" is refused (429)', async () => {
    await host.db('host_login_limits').update({ expire: Date.now() - 1 });
    const login = await browser('203.0.113.11');
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await login('Otieno@Example.com', 'wrong password')).status);
    statuses.push((await login('otieno@example.com', PASSWORD)).status);
    expect(statuses).to.deep.equal([...Array<number>(10).fill(401), 429]);
  });

  it('a name the collation finds under another spelling ("otíeno") is an unknown name: the right password does not sign in', async () => {
    await host.db('host_login_limits').update({ expire: Date.now() - 1 });
    const login = await browser('203.0.113.12');
    expect((await login('otíeno@example.com', PASSWORD)).status).to.equal(401);
    expect((await login('otieno@example.com', PASSWORD)).status).to.equal(303);
  });
});
