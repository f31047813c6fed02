import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, session, signUp, startHost } from './support/host-fixture';
import { T } from '../module/db/tables';
import { CODE_ALPHABET, newReferralCode, referralCodeText } from '../module/agents/referral-code';
import { BROWSER } from './support/user-agents';

const CLIENT_PAGE = '/index.php?m=agenttools';

describe('referral codes: their shape', () => {
  it('8 characters, none of them ambiguous when read aloud or from paper (0 O 1 I L 5 S 2 Z 8 B)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newReferralCode();
      expect(code).to.match(/^[ACDEFGHJKMNPQRTUVWXY34679]{8}$/);
      seen.add(code);
    }
    expect(seen.size).to.equal(2000);
    for (const c of '0O1IL5S2Z8B') expect(CODE_ALPHABET).not.to.contain(c);
  });

  it('a typed code may have spaces, dashes and lower case; anything else is refused', () => {
    expect(referralCodeText.parse(' acde-fghj ')).to.equal('ACDEFGHJ');
    for (const bad of ['', 'ACDEFGH', 'ACDEFGHJK', 'ACDEFGH0', '<script>', 'ACDE FGHO']) expect(referralCodeText.safeParse(bad).success, bad).to.equal(false);
  });
});

onEachDatabase('referral codes at sign-up', ({ current }) => {
  let f: Fixture;
  let aliceId: number;
  let aliceCode: string;
  let bobId: number;

  const makeAgent = async (email: string) => {
    const clientId = await signUp(f.host, await session(f.host), email);
    const program = await f.host.agentTools.services.programs.bySlug('default');
    return f.host.agentTools.services.agents.activateForClient(clientId, program!.id);
  };
  const register = async (s: Awaited<ReturnType<typeof session>>, email: string, referral_code: string) =>
    s.post('/register', '/register', { firstname: 'Visitor', lastname: 'Person', email, password: PASSWORD, currency: 'USD', referral_code });

  before(async () => {
    f = await startHost(current().db);
    const alice = await makeAgent('alice@example.com');
    aliceId = alice.id;
    aliceCode = alice.referralCode!;
    bobId = (await makeAgent('bob@example.com')).id;
  });
  after(() => f.host.stop());

  it('every agent has a code of their own, shown on their page, and the database keeps codes unique', async () => {
    expect(aliceCode).to.match(/^[ACDEFGHJKMNPQRTUVWXY34679]{8}$/);
    expect((await f.host.agentTools.services.agents.get(bobId))?.referralCode).not.to.equal(aliceCode);
    const page = await (await session(f.host, { email: 'alice@example.com' })).agent.get(`${CLIENT_PAGE}&action=links`);
    expect(page.text).to.contain(`data-testid="referral-code">${aliceCode}</strong>`);
    let refused = false;
    await current()
      .db(T.agents)
      .where({ id: bobId })
      .update({ referral_code: aliceCode })
      .catch(() => (refused = true));
    expect(refused).to.equal(true);
  });

  it('a typed code gives the client to its agent (rule "code"), over another agent\'s fresh cookie', async () => {
    const visitor = await session(f.host);
    const click = await visitor.agent.get(`/aff.php?aff=${bobId}`).set('User-Agent', BROWSER);
    expect(String(click.headers['set-cookie'])).to.contain(`agenttools_ref=${bobId}.`);
    const res = await register(visitor, 'typed@example.com', ` ${aliceCode.slice(0, 4).toLowerCase()}-${aliceCode.slice(4)} `);
    expect(res.status).to.equal(303);
    const clientId = Number((await f.host.db('host_clients').where({ email: 'typed@example.com' }).first()).id);
    const referral = await f.host.agentTools.services.assignments.forClient(clientId);
    expect([referral?.agentId, referral?.rule, referral?.clickUid, referral?.source]).to.deep.equal([aliceId, 'code', null, null]);
  });

  it('without a code the cookie still decides', async () => {
    const visitor = await session(f.host);
    await visitor.agent.get(`/aff.php?aff=${bobId}`).set('User-Agent', BROWSER);
    const res = await register(visitor, 'cookie@example.com', '');
    expect(res.status).to.equal(303);
    const clientId = Number((await f.host.db('host_clients').where({ email: 'cookie@example.com' }).first()).id);
    expect((await f.host.agentTools.services.assignments.forClient(clientId))?.agentId).to.equal(bobId);
  });

  it('an unknown or malformed code is refused beside the field, the form keeps it, and no account is made', async () => {
    for (const code of ['ACDEFGHJ', '<b>nope</b>']) {
      const res = await register(await session(f.host), 'wrong-code@example.com', code);
      expect(res.status, code).to.equal(422);
      expect(res.text).to.contain('role="alert">There is no agent with this referral code. Check it, or leave the field empty.</span>');
      expect(res.text).not.to.contain('<b>nope</b>');
      expect(res.text).to.contain(code === 'ACDEFGHJ' ? 'value="ACDEFGHJ"' : 'value="&lt;b&gt;nope&lt;/b&gt;"');
      expect(await f.host.db('host_clients').where({ email: 'wrong-code@example.com' }).first()).to.equal(undefined);
    }
  });

  it("a blocked agent's code is refused like an unknown one", async () => {
    const carol = await makeAgent('carol@example.com');
    await f.host.agentTools.services.forfeiture.block(carol.id, 'spam', 'admin');
    const res = await register(await session(f.host), 'late@example.com', carol.referralCode!);
    expect(res.status).to.equal(422);
    expect(await f.host.db('host_clients').where({ email: 'late@example.com' }).first()).to.equal(undefined);
  });

  it('the sign-up page offers the optional field', async () => {
    const page = await request(f.host.app).get('/register');
    expect(page.text).to.contain('<label for="referral_code">Referral code (optional)</label>');
  });
});
