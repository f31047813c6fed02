import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { HookInputError } from '../module/core/errors';
import { registerHooks } from '../hooks';
import type { HookHandler, HookName } from '../module/contract/hooks';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const AGENT_PAGE = '/index.php?m=agenttools';

async function counts(f: Fixture) {
  const n = async (t: string) => Number((await f.host.db(t).count({ n: '*' }).first())?.n);
  return { referrals: await n(T.referrals), commissions: await n(T.commissions), txns: await n(T.txns), withdrawals: await n(T.withdrawals), agents: await n(T.agents) };
}

onEachDatabase('bad input is refused and changes nothing', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agentId: number;
  let agentSession: Session;

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    const s = await session(f.host);
    const clientId = await signUp(f.host, s, 'agent@example.com');
    await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=activateAgent`, { client_id: clientId });
    agentId = (await f.host.agentTools.services.agents.byClient(clientId))!.id;
    agentSession = await session(f.host, { email: 'agent@example.com' });
  });
  after(() => f.host.stop());

  describe('referral links', () => {
    for (const bad of ['abc', '0', '-1', '1.5', '99999', '1e3', '%3Cscript%3E', '1'.repeat(40), '']) {
      it(`/aff.php?aff=${bad.slice(0, 12)} redirects home with no cookie and counts nothing`, async () => {
        const res = await request(f.host.app).get(`/aff.php?aff=${bad}`);
        expect(res.status).to.equal(302);
        expect(res.headers.location).to.equal('/');
        expect(res.headers['set-cookie']).to.equal(undefined);
      });
    }

    it('a repeated aff parameter and a missing one are treated the same way', async () => {
      for (const path of [`/aff.php?aff=${agentId}&aff=${agentId}`, '/aff.php']) {
        const res = await request(f.host.app).get(path);
        expect(res.status).to.equal(302);
        expect(res.headers['set-cookie']).to.equal(undefined);
      }
      await f.host.agentTools.services.clicks.flush();
      expect(await f.host.db(T.clicks)).to.have.length(0);
    });

    it("a blocked agent's link sets no cookie", async () => {
      await f.host.agentTools.services.forfeiture.block(agentId, 'spam', 'admin');
      const res = await request(f.host.app).get(`/aff.php?aff=${agentId}`);
      expect(res.headers['set-cookie']).to.equal(undefined);
      await f.host.agentTools.services.agents.reactivate(agentId);
      const again = await request(f.host.app).get(`/aff.php?aff=${agentId}`);
      expect(String(again.headers['set-cookie'])).to.contain('agenttools_ref=');
    });

    it('a forged referral cookie attributes nothing at sign-up', async () => {
      const visitor = await session(f.host);
      const forged = `agenttools_ref=${agentId}.abcdefghijkl.${f.clock.now()}.${'A'.repeat(43)}`;
      await visitor.agent.get('/register').set('Cookie', forged);
      const page = await visitor.agent.get('/register');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const res = await visitor.agent
        .post('/register')
        .set('Cookie', forged)
        .type('form')
        .send({ firstname: 'F', lastname: 'G', email: 'forged@example.com', password: 'long enough pw', currency: 'USD', _csrf: token });
      expect(res.status).to.equal(303);
      const client = await f.host.db('host_clients').where({ email: 'forged@example.com' }).first();
      expect(await f.host.agentTools.services.assignments.forClient(client.id)).to.equal(null);
    });
  });

  describe('hooks', () => {
    const handlers = new Map<HookName, HookHandler>();
    before(() => registerHooks((name, _p, h) => handlers.set(name, h), f.host.agentTools));

    const cases: [HookName, unknown, RegExp][] = [
      ['InvoicePaid', {}, /invoiceid: /],
      ['InvoicePaid', { invoiceid: '12' }, /invoiceid: /],
      ['InvoicePaid', { invoiceid: -3 }, /invoiceid: /],
      ['InvoiceRefunded', null, /\(variables\)/],
      ['ClientAdd', { client_id: 5, user_id: 5, email: 'not-an-email', firstname: 'a', lastname: 'b' }, /email: /],
      ['ClientClose', { client_id: 5 }, /userid: /],
      ['ClientAreaPrimarySidebar', { client_id: 5, sidebar: {} }, /sidebar: sidebar must offer addPanel/],
    ];
    for (const [name, vars, message] of cases) {
      it(`${name} with ${JSON.stringify(vars)} is rejected with a clear logged error and changes nothing`, async () => {
        const before = await counts(f);
        f.logger.lines.length = 0;
        let thrown: unknown;
        try {
          await handlers.get(name)!(vars);
        } catch (e) {
          thrown = e;
        }
        expect(thrown).to.be.instanceOf(HookInputError);
        expect((thrown as Error).message).to.match(message);
        const logged = f.logger.lines.filter((l) => l.level === 'error');
        expect(logged).to.have.length(1);
        expect(logged[0]!.message).to.contain(`${name}: rejected`);
        expect(await counts(f)).to.deep.equal(before);
      });
    }

    it('InvoicePaid for an invoice the host does not have is an error, not a commission', async () => {
      const before = await counts(f);
      const errors = await f.host.hooks.run('InvoicePaid', { invoiceid: 987654 });
      expect(errors.map((e) => e.message)).to.deep.equal(['invoice 987654 does not exist in the host']);
      expect(await counts(f)).to.deep.equal(before);
    });
  });

  describe('forms and state-changing routes', () => {
    it('a POST without the CSRF token is refused (403) and changes nothing', async () => {
      const before = await counts(f);
      const res = await agentSession.agent.post(`${AGENT_PAGE}&action=withdraw`).type('form').send({ amount: '60.00' });
      expect(res.status).to.equal(403);
      const forged = await admin.agent
        .post(`${ADMIN_PAGE}&action=activateAgent`)
        .type('form')
        .send({ client_id: 1, _csrf: 'x'.repeat(64) });
      expect(forged.status).to.equal(403);
      expect(await counts(f)).to.deep.equal(before);
    });

    it('a GET to a state-changing action is refused (405) and changes nothing', async () => {
      const before = await counts(f);
      const res = await agentSession.agent.get(`${AGENT_PAGE}&action=withdraw&amount=60.00`);
      expect(res.status).to.equal(405);
      expect(res.headers.allow).to.equal('POST');
      const adminRes = await admin.agent.get(`${ADMIN_PAGE}&action=markPaid&withdrawal_id=1`);
      expect(adminRes.status).to.equal(405);
      expect(await counts(f)).to.deep.equal(before);
    });

    it('the withdrawal amount is validated with a message beside the field', async () => {
      for (const [amount, message] of [
        ['', 'not a valid amount'],
        ['abc', 'not a valid amount'],
        ['60.001', 'USD has 2 decimal places at most'],
        ['0', 'the amount must be more than zero'],
        ['60.00', 'only USD\u00a00.00 is available'],
      ]) {
        const res = await agentSession.post(AGENT_PAGE, `${AGENT_PAGE}&action=withdraw`, { amount: amount! });
        expect(res.status, amount).to.equal(422);
        expect(res.text, amount).to.contain(`<span class="field-error" role="alert">${message}</span>`);
      }
      expect(await f.host.db(T.withdrawals)).to.have.length(0);
    });

    it('the admin forms say which field is wrong', async () => {
      const bad = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=activateAgent`, { client_id: 'seven' });
      expect(bad.status).to.equal(422);
      expect(bad.text).to.match(/<span class="field-error" role="alert" id="err-client_id"[^>]*>a number<\/span>/);
      const missing = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=activateAgent`, { client_id: 424242 });
      expect(missing.text).to.contain('client 424242 does not exist');
      const defs = async (definition: string) => (await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=loadProgram`, { definition })).text;
      const broken = await defs('{ "slug": "x", ');
      expect(broken).to.contain('(file): not valid JSON or YAML');
      const refused = await defs(
        JSON.stringify({
          slug: 'bad',
          name: 'Bad',
          terms_version: 1,
          currency: 'ZZZ',
          timezone: 'Mars/Olympus',
          cookie_days: 30,
          hold_days: 30,
          categories: ['Hosting'],
          rules: [
            { id: 'a', categories: ['Hostnig'], rate_bp: 12_000 },
            { id: 'b', fixed: '-5.00' },
          ],
          payout: { thresholds: { USD: '50.00' } },
        }),
      );
      for (const m of [
        'currency: an ISO 4217 currency code such as USD',
        'timezone: an IANA time zone such as Africa/Nairobi',
        'rules[0].rate_bp: at most 10000 bp (100 %)',
        'rules[1].fixed: a non-negative amount such as 50.00',
      ]) {
        expect(refused).to.contain(`<li>${m}</li>`);
      }
      expect(await f.host.agentTools.services.programs.bySlug('bad')).to.equal(null);
      const p = await f.host.agentTools.services.programs.bySlug('default');
      expect([p!.def.rules[0]!.rate_bp, p!.cookieDays, p!.currency, p!.version]).to.deep.equal([1000, 90, 'USD', 1]);
    });

    it('the sign-up form says which field is wrong and creates no client', async () => {
      const s = await session(f.host);
      const res = await s.post('/register', '/register', { firstname: '', lastname: 'X', email: 'nope', password: 'short', currency: 'GBP' });
      expect(res.status).to.equal(422);
      for (const m of ['Enter your first name', 'Enter a valid e-mail address', 'At least 8 characters', 'Choose a currency']) expect(res.text).to.contain(m);
      expect(await f.host.db('host_clients').where({ lastname: 'X' })).to.have.length(0);
    });
  });
});
