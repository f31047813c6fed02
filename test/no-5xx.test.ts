import zlib from 'node:zlib';
import { once } from 'node:events';
import { z } from 'zod';
import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, csrfFrom, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { DefinitionError } from '../module/programs/definition';
import { DEFINITION_MAX_BYTES, readProgramText } from '../module/programs/program-service';

const AREA = '/index.php?m=agenttools';
const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';

/** A program file whose 25 rules each alias the same 20 long category names: 4 KB typed, 80 KB stored. */
function aliasedProgram(): string {
  const names = Array.from({ length: 20 }, (_, i) => `Category ${String(i).padStart(2, '0')} ${'of cloud servers billed monthly '.repeat(4)}`);
  // One tier per rule, so that the rules do not overlap and the file is refused for its size only.
  const tiers = Array.from({ length: 25 }, (_, i) => `  - { key: tier-${i}, name: Tier ${i} }`);
  const rules = Array.from({ length: 25 }, (_, i) => `  - { id: rule-${i}, tiers: [tier-${i}], categories: *cats, rate_bp: 1000 }`);
  return [
    'slug: aliased',
    'name: Aliased program',
    'terms_version: 1',
    'currency: USD',
    'timezone: UTC',
    'cookie_days: 90',
    'hold_days: 30',
    'tiers:',
    ...tiers,
    'default_tier: tier-0',
    'categories: &cats',
    ...names.map((n) => `  - ${n}`),
    'rules:',
    ...rules,
    'payout: { thresholds: { USD: "50.00" } }',
  ].join('\n');
}

/** Nested aliases: a list of 8 aliased 8 times, that list aliased 6 times: 6 × 8 × 8 = 384 values in c from three lines. */
const NESTED_ALIASES = ['a: &a [x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a]', 'c: [*b, *b, *b, *b, *b, *b]'].join('\n');

/** POSTs bytes as they are (superagent would encode a Buffer sent as a form); the answer's status. */
async function postRaw(f: Fixture, path: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  const server = f.host.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = z.object({ port: z.number() }).parse(server.address());
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body });
    return res.status;
  } finally {
    server.close();
  }
}

onEachDatabase('no request answers 5xx for bad input', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let cases = 0;
  const errorsLogged = () => f.logger.lines.filter((l) => l.level === 'error');

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
  });
  beforeEach(() => {
    cases++;
  });
  after(async () => {
    console.log(`      no-5xx [${current().kind}]: ${cases} cases`);
    await f.host.stop();
  });

  describe('a path with a broken %-escape', () => {
    for (const link of ['/go/%', '/go/acme%E0%A4%A', '/r/%ZZ', '/r/%']) {
      it(`the referral link ${link} goes home with no cookie, like an unknown one, and counts nothing`, async () => {
        const res = await request(f.host.app).get(link);
        expect(res.status).to.equal(302);
        expect(res.headers.location).to.equal('/');
        expect(res.headers['set-cookie']).to.equal(undefined);
        await f.host.agentTools.services.clicks.flush();
        expect(await f.host.db(T.clicks)).to.have.length(0);
        expect(errorsLogged()).to.deep.equal([]);
      });
    }

    for (const page of ['/modules/addons/agenttools/creative/%ZZ', '/quotes/%', '/quote/%E0%A4%A']) {
      it(`the page ${page} answers 400 in the site's layout, logged as a warning`, async () => {
        const res = await request(f.host.app).get(page);
        expect(res.status).to.equal(400);
        expect(res.text).to.contain('The request could not be read.');
        expect(errorsLogged()).to.deep.equal([]);
        expect(f.logger.lines.at(-1)).to.deep.include({ level: 'warn', message: 'refused: unreadable request' });
      });
    }
  });

  describe('a signed-out visit to a very long address', () => {
    for (const [page, login] of [
      ['/clientarea', '/login'],
      ['/admin/clients', '/admin/login'],
    ]) {
      it(`${page} with 3,000 characters of query goes to ${login} without carrying the address (a header a client could not read)`, async () => {
        const res = await request(f.host.app).get(`${page}?q=${'x'.repeat(3000)}`);
        expect(res.status).to.equal(302);
        expect(res.headers.location).to.equal(login);
        const short = await request(f.host.app).get(`${page}?q=x`);
        expect(short.headers.location).to.equal(`${login}?return=${encodeURIComponent(`${page}?q=x`)}`);
      });
    }
  });

  describe('a form body the server will not read', () => {
    const post = () => request(f.host.app).post('/register');

    it('over the 64 KB limit: 413', async () => {
      const res = await post()
        .type('form')
        .send(`firstname=${'x'.repeat(70 * 1024)}`);
      expect(res.status).to.equal(413);
      expect(res.text).to.contain('The form is larger than this site accepts.');
    });

    it('with 1,001 fields, one past the parser’s 1,000: 413', async () => {
      const res = await post()
        .type('form')
        .send(Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&'));
      expect(res.status).to.equal(413);
    });

    it('in a charset the parser does not read (KOI8-R): 415', async () => {
      const res = await post().set('Content-Type', 'application/x-www-form-urlencoded; charset=koi8-r').send('firstname=x');
      expect(res.status).to.equal(415);
      expect(res.text).to.contain('an encoding this site does not read');
    });

    it('with a content encoding it does not know: 415', async () => {
      const res = await post().set('Content-Type', 'application/x-www-form-urlencoded').set('Content-Encoding', 'zstd-custom').send('firstname=x');
      expect(res.status).to.equal(415);
    });

    it('said to be gzip but not gzip: 400', async () => {
      const res = await post().set('Content-Type', 'application/x-www-form-urlencoded').set('Content-Encoding', 'gzip').send('firstname=x');
      expect(res.status).to.equal(400);
    });

    it('a real gzip body is still read (the check refuses only what is broken)', async () => {
      const status = await postRaw(f, '/register', { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': 'gzip' }, zlib.gzipSync('firstname=x'));
      // Read, then refused by the CSRF check: this request carried no session's token.
      expect(status).to.equal(403);
    });

    it('none of them left an error in the log', () => {
      expect(errorsLogged()).to.deep.equal([]);
    });
  });

  describe('ten sign-ups with one e-mail at once', () => {
    it('one account is made; the nine others are told beside the field that the e-mail has one', async () => {
      const forms = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const agent = request.agent(f.host.app);
          const token = csrfFrom((await agent.get('/register')).text);
          return { agent, token };
        }),
      );
      const answers = await Promise.all(
        forms.map(({ agent, token }) =>
          agent.post('/register').type('form').send({ firstname: 'Amina', lastname: 'Odhiambo', email: 'amina@example.com', password: PASSWORD, currency: 'USD', _csrf: token }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).to.deep.equal([303, 422, 422, 422, 422, 422, 422, 422, 422, 422]);
      for (const a of answers.filter((x) => x.status === 422)) expect(a.text).to.contain('this e-mail already has an account');
      expect(await f.host.db('host_clients').where({ email: 'amina@example.com' })).to.have.length(1);
      expect(await f.host.db('host_users').where({ email: 'amina@example.com' })).to.have.length(1);
      expect(errorsLogged()).to.deep.equal([]);
    });
  });

  describe('signing in as a client whose account is closed', () => {
    it('is refused with a message (422) and writes no sign-in and no audit entry', async () => {
      const agentClientId = await signUp(f.host, await session(f.host), 'grace@example.com');
      const program = await f.host.agentTools.services.programs.bySlug('default');
      const agentId = (await f.host.agentTools.services.agents.activateForClient(agentClientId, program!.id)).id;
      const client = await session(f.host);
      const clientId = await signUp(f.host, client, 'kamau@example.com');
      await client.post(`${AREA}&t=serviceManager&affid=${agentId}`, `${AREA}&action=serviceManagerConfirm`, { affid: agentId });
      await f.host.billing.closeClient(clientId);

      const grace = await session(f.host, { email: 'grace@example.com' });
      const res = await grace.post(AREA, `${AREA}&action=signInAsClient`, { client_id: clientId });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('this client account is closed');
      expect(await f.host.db(T.signIns)).to.have.length(0);
      expect(await f.host.db(T.signInAudit)).to.have.length(0);
      expect(errorsLogged()).to.deep.equal([]);
    });
  });

  describe('a program file that aliases its way past what a version may hold', () => {
    it(`is refused as a definition error naming its stored size, over ${DEFINITION_MAX_BYTES} bytes, and nothing is stored`, async () => {
      const text = aliasedProgram();
      expect(text.length).to.be.below(8 * 1024);
      const before = await f.host.db(T.programVersions).count({ n: '*' }).first();
      const refused = await f.host.agentTools.services.programs.load(readProgramText(text)).then(
        () => null,
        (e: unknown) => e,
      );
      if (!(refused instanceof DefinitionError)) return expect.fail(`refused with ${String(refused)}`);
      expect(String(refused.issues)).to.match(/^\(file\): the program takes \d{5,} bytes once stored, over the 65535 a program may take$/);
      expect(await f.host.db(T.programVersions).count({ n: '*' }).first()).to.deep.equal(before);
      expect(await f.host.agentTools.services.programs.bySlug('aliased')).to.equal(null);
    });

    it('from the admin page: shown again with the reason (422), not a 500', async () => {
      const res = await admin.post(ADMIN_PAGE, `${ADMIN_PAGE}&action=loadProgram`, { definition: aliasedProgram() });
      expect(res.status).to.equal(422);
      expect(res.text).to.contain('bytes once stored');
      expect(errorsLogged()).to.deep.equal([]);
    });

    it('aliases of aliases (384 values from three lines) are refused before they expand', () => {
      expect(() => readProgramText(NESTED_ALIASES)).to.throw(DefinitionError, /not valid JSON or YAML: Excessive alias count/);
    });
  });
});
