import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, PASSWORD, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { readProgramText, type Program } from '../module/programs/program-service';
import { normaliseDomain } from '../module/attribution/domain-name';
import { RuleError } from '../module/core/errors';
import { BROWSER } from './support/user-agents';

const AREA = '/index.php?m=agenttools';
const DOMAINS = `${AREA}&action=domains`;
const REGISTER = `${AREA}&action=registerDomain`;
const REMOVE = `${AREA}&action=removeDomain`;
const ADMIN_DOMAINS = '/admin/addonmodules.php?module=agenttools&action=domains';
const ADMIN_REMOVE = '/admin/addonmodules.php?module=agenttools&action=removeDomain';
const CLOUDCODES = path.resolve(__dirname, '../examples/programs/cloudcodes.json');

describe('deal registration: domain names', () => {
  it('are trimmed, lower-cased, without the trailing dot, internationalised names in punycode', () => {
    expect(normaliseDomain('  ACME.com. ')).to.equal('acme.com');
    expect(normaliseDomain('Bücher.DE')).to.equal('xn--bcher-kva.de');
    expect(normaliseDomain('mail.acme.co.uk')).to.equal('mail.acme.co.uk');
    expect(normaliseDomain(`${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`)).to.have.length(253);
  });

  it('must look like a registrable hostname: a dot, letters at the top, no URL syntax, at most 253 characters', () => {
    for (const bad of [
      '',
      'acme',
      'localhost',
      '1.2.3.4',
      '[::1]',
      'acme..com',
      '-acme.com',
      'acme-.com',
      'a_b.com',
      'acme.com/x',
      'user@acme.com',
      'acme.com:80',
      'a%2eb.com',
      'exa mple.com',
      '<b>x</b>.com',
      `${'a'.repeat(64)}.com`,
      `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`,
    ]) {
      expect(normaliseDomain(bad), bad).to.equal(null);
    }
  });
});

onEachDatabase('deal registration (CloudCodes)', ({ current }) => {
  let f: Fixture;
  let cloudcodes: Program;
  let admin: Session;
  const core = () => f.host.agentTools.services;
  const agents: Record<string, { clientId: number; agentId: number; code: string; s: Session }> = {};

  const makeAgent = async (name: string, program: Program | null) => {
    const email = `${name}@partner.example`;
    const clientId = await signUp(f.host, await session(f.host), email);
    const agent = await core().agents.activateForClient(clientId, (program ?? (await core().programs.bySlug('default'))!).id);
    agents[name] = { clientId, agentId: agent.id, code: agent.referralCode!, s: await session(f.host, { email }) };
  };
  const register = (who: string, domain: string, customer = '') => agents[who]!.s.post(DOMAINS, REGISTER, { domain, customer });
  const signUpAs = async (email: string, extra: { code?: string; via?: string } = {}) => {
    const visitor = await session(f.host);
    if (extra.via) await visitor.agent.get(`/aff.php?aff=${agents[extra.via]!.agentId}`).set('User-Agent', BROWSER);
    const res = await visitor.post('/register', '/register', { firstname: 'New', lastname: 'Client', email, password: PASSWORD, currency: 'USD', referral_code: extra.code ?? '' });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const clientId = Number((await f.host.db('host_clients').where({ email: email.toLowerCase() }).first()).id);
    return { clientId, s: visitor, referral: await core().assignments.forClient(clientId) };
  };

  before(async () => {
    f = await startHost(current().db);
    cloudcodes = (await core().programs.load(readProgramText(fs.readFileSync(CLOUDCODES, 'utf8')))).program;
    expect(cloudcodes.def.deal_registration).to.equal(true);
    await makeAgent('alice', cloudcodes);
    await makeAgent('bob', cloudcodes);
    await makeAgent('dave', null);
    admin = await session(f.host, { admin: true });
  });
  after(() => f.host.stop());

  it("an agent registers a customer's domain, normalised, and sees it listed with the customer", async () => {
    const res = await register('alice', ' ACME.com. ', 'Acme Ltd');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${DOMAINS}&done=registered`);
    expect((await register('alice', 'Bücher.de')).status).to.equal(303);
    const rows = await current().db(T.domains).orderBy('domain');
    expect(rows.map((r) => [r.domain, Number(r.agent_id), r.customer])).to.deep.equal([
      ['acme.com', agents.alice!.agentId, 'Acme Ltd'],
      ['xn--bcher-kva.de', agents.alice!.agentId, ''],
    ]);
    const page = await agents.alice!.s.agent.get(`${DOMAINS}&done=registered`);
    expect(page.text).to.contain('The domain is registered to you.');
    expect(page.text).to.match(/data-testid="my-domains"[\s\S]*<td[^>]*>acme.com<\/td><td[^>]*>Acme Ltd<\/td>/);
  });

  it("refuses beside the field what is not a customer's domain: free mail, a public suffix (a registry's or a platform's), our own site, not a name", async () => {
    const cases: [string, string][] = [
      ['gmail.com', 'gmail.com belongs to a public e-mail provider'],
      ['Outlook.COM', 'outlook.com belongs to a public e-mail provider'],
      ['T-Online.de', 't-online.de belongs to a public e-mail provider'],
      ['verizon.net', 'verizon.net belongs to a public e-mail provider'],
      ['mail.ru', 'mail.ru belongs to a public e-mail provider'],
      ['rediffmail.com', 'rediffmail.com belongs to a public e-mail provider'],
      ['co.uk', 'co.uk is a registry&#39;s suffix'],
      ['sc.ke', 'sc.ke is a registry&#39;s suffix'],
      ['Info.KE', 'info.ke is a registry&#39;s suffix'],
      ['github.io', 'github.io is a registry&#39;s suffix'],
      ['blogspot.com', 'blogspot.com is a registry&#39;s suffix'],
      ['billing.test', 'This is our own site&#39;s domain'],
      ['shop.billing.test', 'This is our own site&#39;s domain'],
      ['1.2.3.4', 'Enter a domain name such as acme.com.'],
      ['<img src=x onerror=alert(1)>.com', 'Enter a domain name such as acme.com.'],
    ];
    for (const [domain, message] of cases) {
      const res = await register('bob', domain);
      expect(res.status, domain).to.equal(422);
      expect(res.text, domain).to.match(new RegExp(`role="alert">${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    const hostile = await register('bob', '<img src=x onerror=alert(1)>.com');
    expect(hostile.text).not.to.contain('<img src=x');
    expect(hostile.text).to.contain('value="&lt;img src=x onerror=alert(1)&gt;.com"');
    const long = await register('bob', 'long-customer.com', 'x'.repeat(121));
    expect(long.status).to.equal(422);
    expect(long.text).to.contain('role="alert">At most 120 characters.</span>');
    expect(await current().db(T.domains).where({ agent_id: agents.bob!.agentId })).to.have.length(0);
  });

  it("a customer's own name under a public suffix is registrable, a user's site under a platform's included, and wins its sign-ups", async () => {
    for (const domain of ['acme.sc.ke', 'shop.acme.co.uk', 'alice.github.io']) expect((await register('bob', domain)).status, domain).to.equal(303);
    const rows = await current().db(T.domains).where({ agent_id: agents.bob!.agentId }).orderBy('domain');
    expect(rows.map((r) => r.domain)).to.deep.equal(['acme.sc.ke', 'alice.github.io', 'shop.acme.co.uk']);
    expect((await signUpAs('ceo@mail.acme.sc.ke')).referral?.evidence).to.equal('domain acme.sc.ke');
    expect((await signUpAs('someone@bob.github.io')).referral).to.equal(null);
    await current().db(T.domains).where({ agent_id: agents.bob!.agentId }).delete();
  });

  it('one agent per domain: the second is told it is taken without learning by whom, the first that it is theirs already', async () => {
    const res = await register('bob', 'acme.com');
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('role="alert">acme.com is already registered by another partner.</span>');
    expect(res.text).not.to.contain('alice');
    expect(res.text).not.to.contain('Acme Ltd');
    expect((await register('alice', 'acme.com')).text).to.contain('You have already registered acme.com.');
    // Two agents at the same moment: the unique index lets exactly one win.
    const [a, b] = await Promise.allSettled([
      core().domains.register((await core().agents.get(agents.alice!.agentId))!, 'race.example', ''),
      core().domains.register((await core().agents.get(agents.bob!.agentId))!, 'race.example', ''),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal(['fulfilled', 'rejected']);
    const loser = (a.status === 'rejected' ? a.reason : (b as PromiseRejectedResult).reason) as RuleError;
    expect(loser).to.be.instanceOf(RuleError);
    expect(loser.message).to.equal('race.example is already registered by another partner.');
    expect(await current().db(T.domains).where({ domain: 'race.example' })).to.have.length(1);
  });

  it("no registration under or above another agent's: refused like a taken name, without saying by whom; an agent's own may nest", async () => {
    expect((await register('alice', 'globex.example', 'Globex')).status).to.equal(303);
    expect((await register('bob', 'shop.initech.example')).status).to.equal(303);
    // Under another's registration (mail.globex.example would win globex's sign-ups), and above one.
    // Nor what the other agent registered: their customer's name, or the exact name.
    for (const [who, domain, theirs] of [
      ['bob', 'mail.globex.example', 'Globex'],
      ['bob', 'a.b.globex.example', 'Globex'],
      ['alice', 'initech.example', 'shop.initech.example'],
    ] as const) {
      const res = await register(who, domain);
      expect(res.status, domain).to.equal(422);
      expect(res.text, domain).to.contain(`role="alert">${domain} is already registered by another partner.</span>`);
      expect(res.text, domain).not.to.contain(theirs);
    }
    // Only a whole label nests: notglobex.example is nobody's.
    expect((await register('bob', 'notglobex.example')).status).to.equal(303);
    expect((await register('alice', 'mail.globex.example', 'Globex mail')).status).to.equal(303);
    const rows = await current().db(T.domains).where('domain', 'like', '%globex.example').orWhere('domain', 'like', '%initech.example').orderBy('domain');
    expect(rows.map((r) => [r.domain, Number(r.agent_id)])).to.deep.equal([
      ['globex.example', agents.alice!.agentId],
      ['mail.globex.example', agents.alice!.agentId],
      ['notglobex.example', agents.bob!.agentId],
      ['shop.initech.example', agents.bob!.agentId],
    ]);
    expect((await signUpAs('ceo@mail.globex.example')).referral?.agentId).to.equal(agents.alice!.agentId);
  });

  it('two agents registering a name and its parent at the same moment: exactly one of them has it', async () => {
    const alice = (await core().agents.get(agents.alice!.agentId))!;
    const bob = (await core().agents.get(agents.bob!.agentId))!;
    for (const [parent, child] of [
      ['para.example', 'x.para.example'],
      ['other-para.example', 'deep.x.other-para.example'],
    ] as const) {
      const outcomes = await Promise.allSettled([core().domains.register(alice, parent, ''), core().domains.register(bob, child, '')]);
      expect(outcomes.map((o) => o.status).sort(), parent).to.deep.equal(['fulfilled', 'rejected']);
      const loser = (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason as RuleError;
      expect(loser, parent).to.be.instanceOf(RuleError);
      expect(loser.message).to.match(/ is already registered by another partner\.$/);
      expect(await current().db(T.domains).whereIn('domain', [parent, child]), parent).to.have.length(1);
    }
  });

  it('a program without deal registration: no link, the page and the form are refused (403), and its registrations match nothing', async () => {
    const dave = agents.dave!;
    expect((await dave.s.agent.get(AREA)).text).not.to.contain('action=domains"');
    expect((await agents.alice!.s.agent.get(AREA)).text).to.contain('action=domains"');
    const page = await dave.s.agent.get(DOMAINS);
    expect(page.status).to.equal(403);
    expect(page.text).to.contain('Your partner program does not include deal registration.');
    const posted = await dave.s.post(AREA, REGISTER, { domain: 'dave-customer.com', customer: '' });
    expect(posted.status).to.equal(403);
    // Even a row put there by other means gives dave no one.
    await current().db(T.domains).insert({ domain: 'dave-customer.com', agent_id: dave.agentId, customer: '', created_at: 1 });
    expect((await signUpAs('ceo@dave-customer.com')).referral).to.equal(null);
  });

  it('a sign-up with an e-mail at a registered domain, or under it, is the agent\'s: rule "domain", the registration as evidence', async () => {
    for (const email of ['jane@acme.com', 'joe@Mail.ACME.com']) {
      const { referral } = await signUpAs(email);
      expect([referral?.agentId, referral?.rule, referral?.evidence, referral?.clickUid], email).to.deep.equal([agents.alice!.agentId, 'domain', 'domain acme.com', null]);
    }
    expect((await signUpAs('max@acme.com.evil.example')).referral).to.equal(null);
    expect((await signUpAs('otto@xn--bcher-kva.de')).referral?.evidence).to.equal('domain xn--bcher-kva.de');
  });

  it('a typed code beats a registered domain, which beats a referral cookie; without either the cookie decides', async () => {
    const byCode = await signUpAs('kim@acme.com', { code: agents.bob!.code, via: 'bob' });
    expect([byCode.referral?.agentId, byCode.referral?.rule, byCode.referral?.evidence]).to.deep.equal([agents.bob!.agentId, 'code', `code ${agents.bob!.code}`]);
    const byDomain = await signUpAs('lee@acme.com', { via: 'bob' });
    expect([byDomain.referral?.agentId, byDomain.referral?.rule]).to.deep.equal([agents.alice!.agentId, 'domain']);
    const byCookie = await signUpAs('lee@elsewhere.example', { via: 'bob' });
    expect([byCookie.referral?.agentId, byCookie.referral?.rule, byCookie.referral?.evidence]).to.deep.equal([agents.bob!.agentId, 'last_click', null]);
  });

  it("an unattributed client who orders a registered domain becomes the agent's, and the order earns for them", async () => {
    const { clientId, s } = await signUpAs('buyer@customer-without-agent.example');
    expect(await core().assignments.forClient(clientId)).to.equal(null);
    const order = await s.post('/order', '/order', { product_id: f.productId, domain: 'WWW.Acme.com', referral_code: '' });
    expect(order.status).to.equal(303);
    const referral = await core().assignments.forClient(clientId);
    expect([referral?.agentId, referral?.rule, referral?.evidence]).to.deep.equal([agents.alice!.agentId, 'domain', 'domain acme.com']);
    const [hostOrder] = await f.host.db('host_orders').where({ client_id: clientId });
    expect(hostOrder.domain).to.equal('www.acme.com');
    const log = await current().db(T.assignmentLog).where({ client_id: clientId });
    expect(log.map((l) => [l.to_agent_id, Number(l.order_id), l.reason, l.actor])).to.deep.equal([[agents.alice!.agentId, Number(hostOrder.id), 'domain acme.com at checkout', 'checkout']]);
    await f.host.billing.payInvoice(Number(hostOrder.invoice_id));
    const commissions = await current().db(T.commissions).where({ client_id: clientId });
    expect(commissions.map((c) => [Number(c.agent_id), Number(c.amount_minor)])).to.deep.equal([[agents.alice!.agentId, 1852]]);
  });

  it('an exclusive assignment stays: a client of another agent who orders a registered domain is not moved, and it is logged', async () => {
    const { clientId, s } = await signUpAs('loyal@somewhere.example', { code: agents.bob!.code });
    const order = await s.post('/order', '/order', { product_id: f.productId, domain: 'acme.com' });
    expect(order.status).to.equal(303);
    expect((await core().assignments.forClient(clientId))?.agentId).to.equal(agents.bob!.agentId);
    expect(
      f.logger.lines.some((l) => l.message === 'checkout evidence not applied: the client is assigned to another agent' && l.data?.clientId === clientId && l.data?.evidence === 'domain acme.com'),
    ).to.equal(true);
  });

  it('another agent cannot remove my registration; removing needs a POST with the form token; I can remove my own', async () => {
    const row = await current().db(T.domains).where({ domain: 'xn--bcher-kva.de' }).first();
    const bobTries = await agents.bob!.s.post(DOMAINS, REMOVE, { registration_id: row.id });
    expect(bobTries.status).to.equal(404);
    expect(bobTries.text).to.contain('There is no such registration among yours.');
    expect((await agents.alice!.s.agent.get(`${REMOVE}&registration_id=${row.id}`)).status).to.equal(405);
    expect((await agents.alice!.s.agent.post(REMOVE).type('form').send({ registration_id: row.id })).status).to.equal(403);
    expect(await current().db(T.domains).where({ id: row.id }).first()).to.not.equal(undefined);
    const mine = await agents.alice!.s.post(DOMAINS, REMOVE, { registration_id: row.id });
    expect(mine.status).to.equal(303);
    expect(await current().db(T.domains).where({ id: row.id }).first()).to.equal(undefined);
  });

  it('the admin sees every registration with its agent, escaped, and removes one with a reason that is logged', async () => {
    expect((await register('bob', 'hostile.example', '<script>alert("x")</script>')).status).to.equal(303);
    const index = await admin.agent.get('/admin/addonmodules.php?module=agenttools&action=settings');
    expect(index.text).to.contain('data-testid="domains-admin-link"');
    const page = await admin.agent.get(ADMIN_DOMAINS);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;');
    expect(page.text).not.to.contain('<script>alert');
    expect(page.text).to.match(/<td[^>]*>acme.com<\/td>\s*<td[^>]*>Acme Ltd<\/td>\s*<td[^>]*><a href="[^"]*action=agent&id=\d+">Visitor Person<\/a><\/td>/);
    const row = await current().db(T.domains).where({ domain: 'hostile.example' }).first();
    const blank = await admin.post(ADMIN_DOMAINS, ADMIN_REMOVE, { registration_id: row.id, reason: ' ' });
    expect(blank.status).to.equal(422);
    expect(blank.text).to.contain('role="alert">required</span>');
    const removed = await admin.post(ADMIN_DOMAINS, ADMIN_REMOVE, { registration_id: row.id, reason: 'customer asked' });
    expect(removed.status).to.equal(303);
    expect(await current().db(T.domains).where({ id: row.id }).first()).to.equal(undefined);
    const line = f.logger.lines.find((l) => l.message === 'domain registration removed by an admin');
    expect(line?.data).to.deep.include({ actor: 'admin', reason: 'customer asked', domain: 'hostile.example', agentId: agents.bob!.agentId });
    // An agent's page is not the admin's: a client session cannot reach it.
    expect((await agents.alice!.s.agent.get(ADMIN_DOMAINS)).status).to.equal(302);
  });
});
