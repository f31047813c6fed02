import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';

const ADMIN = '/admin/addonmodules.php?module=agenttools';
const act = (a: string) => `${ADMIN}&action=${a}`;
const EXAMPLES = path.resolve(__dirname, '../examples/programs');
const at = (iso: string) => Date.parse(iso);

/** RFC 4180 as sendCsv writes it: CRLF records, double-quoted cells with "" inside. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A client of the host with a name of our choosing (the sign-up form names everyone "Visitor Person"). */
async function client(db: Knex, firstname: string, lastname: string, email: string): Promise<number> {
  const [id] = await db('host_clients').insert({ firstname, lastname, email, status: 'Active', currency: 'USD', created_at: at('2025-06-01T00:00:00Z') });
  return Number(id);
}

async function loadProgram(admin: Session, file: string): Promise<void> {
  const res = await admin.post(act('programs'), act('loadProgram'), { definition: fs.readFileSync(path.join(EXAMPLES, file), 'utf8') });
  expect(res.status).to.equal(303);
}

async function activate(f: Fixture, admin: Session, clientId: number, programId: number): Promise<number> {
  const res = await admin.post(act('agents'), act('activateAgent'), { client_id: clientId, program_id: programId });
  expect(res.status).to.equal(303);
  return (await f.host.agentTools.services.agents.byClient(clientId))!.id;
}

onEachDatabase("the admin's inbox", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let ada: number;

  before(async () => {
    const db = current().db;
    f = await startHost(db);
    admin = await session(f.host, { admin: true });
    await loadProgram(admin, 'cloudsigma.yaml');
    const program = (await f.host.agentTools.services.programs.bySlug('cloudsigma'))!;
    ada = await activate(f, admin, await client(db, 'Ada', 'Lovelace', 'ada@example.com'), program.id);
    const bob = await activate(f, admin, await client(db, 'Bob', 'Builder', 'bob@example.com'), program.id);
    const carol = await client(db, 'Carol', 'Customer', 'carol@example.com');
    const dan = await client(db, 'Dan', 'Done', 'dan@example.com');
    const now = f.clock.now();
    // One waiting item of each kind, and one already handled of each beside it (not counted).
    await db(T.withdrawals).insert([
      { agent_id: ada, currency: 'USD', amount_minor: 12_500, tax_bp: 0, tax_minor: 0, status: 'requested', requested_at: now },
      { agent_id: bob, currency: 'USD', amount_minor: 9_900, tax_bp: 0, tax_minor: 0, status: 'paid', requested_at: now, paid_at: now },
    ]);
    await db(T.applications).insert([
      { client_id: carol, program_id: program.id, terms_version: 1, status: 'pending', open_slot: 1, fields: '{}', created_at: now, updated_at: now },
      { client_id: dan, program_id: program.id, terms_version: 1, status: 'rejected', open_slot: null, fields: '{}', created_at: now, updated_at: now },
    ]);
    await db(T.agents).where({ id: ada }).update({ slug: 'ada-links', slug_status: 'pending' });
    await db(T.agents).where({ id: bob }).update({ slug: 'bob-links', slug_status: 'approved' });
    await db(T.referralReviews).insert([
      { client_id: carol, agent_id: ada, reason: 'same_email', status: 'open', created_at: now },
      { client_id: dan, agent_id: bob, reason: 'same_email', status: 'kept', created_at: now },
    ]);
    await db(T.referralMoves).insert([
      { client_id: dan, open_client_id: dan, from_agent_id: ada, to_agent_id: bob, status: 'open', requested_by: 'bob', created_at: now },
      { client_id: carol, open_client_id: null, from_agent_id: bob, to_agent_id: ada, status: 'approved', requested_by: 'ada', created_at: now },
    ]);
    await db(T.notifications).insert([
      { event: 'invoice_paid', subject_id: 77, agent_id: ada, client_id: carol, to: 'ada@example.com', status: 'failed', error: 'SMTP 550 mailbox unavailable', created_at: now },
      { event: 'invoice_paid', subject_id: 78, agent_id: ada, client_id: carol, to: 'ada@example.com', status: 'sent', created_at: now, sent_at: now },
    ]);
  });
  after(() => f.host.stop());

  it('counts one of each kind of waiting work and links each to where it is handled', async () => {
    const page = (await admin.agent.get(ADMIN)).text;
    for (const kind of ['withdrawals', 'applications', 'shortLinks', 'selfReferrals', 'referralMoves', 'failedEmails']) {
      expect(page, kind).to.contain(`data-testid="inbox-count-${kind}">1</td>`);
    }
    expect(page).to.contain('6 items are waiting.');
    const link = (kind: string) => {
      const row = page.slice(page.indexOf(`data-testid="inbox-${kind}"`));
      return /href="([^"]+)"/.exec(row)![1]!.replace(/&amp;/g, '&');
    };
    expect(link('withdrawals')).to.match(/^\/admin\/addonmodules\.php\?module=agenttools&action=(payouts|withdrawals)$/);
    expect(link('applications')).to.equal(act('applications'));
    expect(link('shortLinks')).to.equal(act('shortLinks'));
    expect(link('selfReferrals')).to.equal(`${act('reviews')}#review-queue`);
    expect(link('referralMoves')).to.equal(`${act('reviews')}#referral-moves`);
    expect(link('failedEmails')).to.equal(`${act('emailLog')}&status=failed`);
    expect(page).to.contain(`href="${act('signInAudit').replace(/&/g, '&amp;')}"`);
    expect(page).to.contain(`href="${act('emailLog').replace(/&/g, '&amp;')}"`);

    // Each link opens a page with the item on it, people by name.
    const withdrawals = (await admin.agent.get(act('withdrawals'))).text;
    expect(withdrawals).to.contain(`id=${ada}">Ada Lovelace</a>`).and.to.contain('USD\u00a0125.00').and.not.to.contain('USD\u00a099.00');
    const reviews = (await admin.agent.get(act('reviews'))).text;
    expect(reviews).to.contain('>Carol Customer</a>').and.to.contain('Client Dan Done: referred by Ada Lovelace, service manager now Bob Builder');
    const slugs = (await admin.agent.get(act('shortLinks'))).text;
    expect(slugs).to.contain('/go/ada-links').and.not.to.contain('/go/bob-links');
    const failed = (await admin.agent.get(`${act('emailLog')}&status=failed`)).text;
    expect(failed).to.contain('SMTP 550 mailbox unavailable').and.to.contain('>Ada Lovelace</a>').and.to.contain('>Carol Customer</a>');
    expect(failed.match(/<tr>/g)).to.have.length(2); // the header and the one failed e-mail
  });

  it("keeps the old home page's addresses working: make-an-agent from the host's client page, and the ledger check", async () => {
    const carol = await current().db('host_clients').where({ email: 'carol@example.com' }).first();
    const res = await admin.agent.get(`${ADMIN}&client_id=${carol.id}`);
    expect([res.status, res.headers.location]).to.deep.equal([302, `${act('agents')}&client_id=${carol.id}`]);
    const page = (await admin.agent.get(String(res.headers.location))).text;
    // The picker comes filled in with the client, by name, and the id in the hidden field.
    expect(page).to.contain('value="Carol Customer &lt;carol@example.com&gt;"').and.to.contain(`name="client_id" value="${carol.id}"`);
    const verify = await admin.agent.get(`${ADMIN}&verify=1`);
    expect([verify.status, verify.headers.location]).to.deep.equal([302, `${act('programs')}&verify=1`]);
  });

  it('shows the menu of the area on every admin page, the current page marked', async () => {
    const page = (await admin.agent.get(act('programs'))).text;
    const nav = page.slice(page.indexOf('data-testid="admin-nav"'), page.indexOf('</nav>', page.indexOf('data-testid="admin-nav"')));
    expect(nav).to.contain('aria-current="page" class="current">Programs</a>');
    for (const label of ['Inbox', 'Agents', 'Program report', 'Applications', 'Reviews', 'Settings']) expect(nav).to.contain(`>${label}</a>`);
    expect((await admin.agent.get(`${act('agent')}&id=${ada}`)).text).to.contain('aria-current="page" class="current">Agents</a>');
  });

  it('puts a confirmation saying what will happen on money-moving and destructive buttons', async () => {
    const withdrawals = (await admin.agent.get(act('withdrawals'))).text;
    expect(withdrawals).to.contain('data-confirm="Mark USD\u00a0125.00 to Ada Lovelace as paid? Do this only once the money has been sent; it cannot be undone."');
    const agent = (await admin.agent.get(`${act('agent')}&id=${ada}`)).text;
    expect(agent).to.contain('data-confirm="Block Ada Lovelace? Their unpaid commissions are forfeited: pending USD\u00a00.00, available USD\u00a00.00, requested USD\u00a00.00."');
    expect(agent).to.contain('data-confirm="Reject the short link /go/ada-links of Ada Lovelace? It stops working at once."');
    const reviews = (await admin.agent.get(act('reviews'))).text;
    expect(reviews).to.contain('data-confirm="Approve the move? Bob Builder earns on Dan Done from now on, instead of Ada Lovelace."');
  });
});

onEachDatabase("the admin's person search", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let ada: number;
  let adaClient: number;
  let program: number;

  before(async () => {
    const db = current().db;
    f = await startHost(db);
    admin = await session(f.host, { admin: true });
    await loadProgram(admin, 'cloudsigma.yaml');
    program = (await f.host.agentTools.services.programs.bySlug('cloudsigma'))!.id;
    adaClient = await client(db, 'Ada', 'Lovelace', 'ada@example.com');
    ada = await activate(f, admin, adaClient, program);
    await client(db, 'Adam', 'Smith', 'adam.smith@example.com');
    await client(db, 'Chen', 'Wei', 'chen@example.com');
    await client(db, '<img src=x onerror=alert(1)>', "O'Brien & Sons", 'evil@example.com');
    await client(db, 'Percent', 'Sign', '100%_off@example.com');
  });
  after(() => f.host.stop());

  const search = (q: string, kind: string) => admin.agent.get(`${act('searchPeople')}&kind=${kind}&q=${encodeURIComponent(q)}`);
  const names = (body: string) => (JSON.parse(body) as { results: { name: string }[] }).results.map((r) => r.name);

  it('finds clients by part of a name, by several words, and by e-mail, exact e-mail first', async () => {
    expect(names((await search('ada', 'client')).text)).to.have.members(['Ada Lovelace', 'Adam Smith']);
    expect(names((await search('ada love', 'client')).text)).to.deep.equal(['Ada Lovelace']);
    expect(names((await search('CHEN@example.com', 'client')).text)).to.deep.equal(['Chen Wei']);
    // LIKE's wildcards are what they are: "%_" finds only the address that has them.
    expect(names((await search('%_', 'client')).text)).to.deep.equal(['Percent Sign']);
  });

  it('finds only agents when asked for agents, answering the agent id', async () => {
    const res = await search('ada', 'agent');
    expect(res.status).to.equal(200);
    expect(JSON.parse(res.text).results).to.deep.equal([{ id: ada, name: 'Ada Lovelace', email: 'ada@example.com', company: null, status: 'active' }]);
  });

  it('refuses fewer than 2 characters and unknown kinds with 422 and no one', async () => {
    for (const [q, kind] of [
      ['a', 'client'],
      [' a ', 'agent'],
      ['ada', 'admin'],
    ] as const) {
      const res = await search(q, kind);
      expect([res.status, JSON.parse(res.text).results]).to.deep.equal([422, []]);
    }
  });

  it('answers inert JSON: no markup characters however a client is named', async () => {
    const res = await search('evil', 'client');
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.text).not.to.match(/[<>&]/);
    expect(names(res.text)).to.deep.equal(["<img src=x onerror=alert(1)> O'Brien & Sons"]);
  });

  it('is for admins only: clients and visitors are sent to the admin login', async () => {
    const visitor = await request(f.host.app).get(`${act('searchPeople')}&kind=client&q=ada`);
    expect(visitor.status).to.equal(302);
    const s = await session(f.host);
    await signUp(f.host, s, 'someone@example.com');
    const asClient = await s.agent.get(`${act('searchPeople')}&kind=client&q=ada`);
    expect([asClient.status, asClient.headers.location]).to.deep.equal([302, `/admin/login?return=${encodeURIComponent(`${act('searchPeople')}&kind=client&q=ada`)}`]);
  });

  it('takes a typed e-mail without the script: the exact e-mail names the client; anything else is refused beside the field', async () => {
    const unknown = await admin.post(act('agents'), act('activateAgent'), { client_id: '', client_id_lookup: 'nobody@example.com', program_id: program });
    expect(unknown.status).to.equal(422);
    expect(unknown.text).to.contain('value="nobody@example.com"');
    const partial = await admin.post(act('agents'), act('activateAgent'), { client_id: '', client_id_lookup: 'chen', program_id: program });
    expect(partial.status).to.equal(422);
    const res = await admin.post(act('agents'), act('activateAgent'), { client_id: '', client_id_lookup: ' Chen@Example.com ', program_id: program });
    expect([res.status, res.headers.location]).to.deep.equal([303, `${act('agents')}&done=activated`]);
    const chen = await current().db('host_clients').where({ email: 'chen@example.com' }).first();
    expect(await f.host.agentTools.services.agents.byClient(Number(chen.id))).to.not.equal(null);
    // The agents page names people, never "#1".
    const page = (await admin.agent.get(act('agents'))).text;
    expect(page).to.contain('>Chen Wei</a>').and.to.contain('>Ada Lovelace</a>');
  });
});

onEachDatabase('the program report', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let ada: number;
  let bob: number;
  let chen: number;

  before(async () => {
    const db = current().db;
    // The clock stands at 2026-01-05 10:00 UTC: the last 30 days are 2025-12-07 to 2026-01-05.
    f = await startHost(db);
    admin = await session(f.host, { admin: true });
    await loadProgram(admin, 'cloudsigma.yaml'); // USD, quarterly (Europe/Zurich), from USD 100.00
    await loadProgram(admin, 'cloudlessons.yaml'); // RUB, 1st and 15th (Europe/Moscow), from RUB 1,000.00
    const sigma = (await f.host.agentTools.services.programs.bySlug('cloudsigma'))!;
    const lessons = (await f.host.agentTools.services.programs.bySlug('cloudlessons'))!;
    ada = await activate(f, admin, await client(db, 'Ada', 'Lovelace', 'ada@example.com'), sigma.id);
    // A name that would start a formula in a spreadsheet.
    bob = await activate(f, admin, await client(db, '@Bob', 'Builder', 'bob@example.com'), sigma.id);
    chen = await activate(f, admin, await client(db, 'Chen', 'Wei', 'chen@example.com'), lessons.id);
    const x = await client(db, 'Xavier', 'Paid', 'x@example.com');
    const y = await client(db, 'Yana', 'Unpaid', 'y@example.com');
    const z = await client(db, 'Zed', 'Old', 'z@example.com');

    await db(T.balances).insert([
      { agent_id: ada, account: 'pending', currency: 'USD', balance_minor: 25_000 },
      { agent_id: ada, account: 'available', currency: 'USD', balance_minor: 15_000 },
      { agent_id: ada, account: 'reserved', currency: 'USD', balance_minor: 4_000 },
      { agent_id: ada, account: 'withdrawn', currency: 'USD', balance_minor: 100_000 },
      { agent_id: bob, account: 'pending', currency: 'USD', balance_minor: 1_000 },
      { agent_id: bob, account: 'available', currency: 'USD', balance_minor: 5_000 },
      { agent_id: bob, account: 'reserved', currency: 'USD', balance_minor: 500 },
      { agent_id: chen, account: 'pending', currency: 'RUB', balance_minor: 50_000 },
      { agent_id: chen, account: 'available', currency: 'RUB', balance_minor: 200_000 },
      { agent_id: 0, account: 'commission_expense', currency: 'USD', balance_minor: -150_500 },
    ]);
    const w = (agent: number, amount: number, status: string, iso: string) => ({ agent_id: agent, currency: 'USD', amount_minor: amount, tax_bp: 0, tax_minor: 0, status, requested_at: at(iso) });
    await db(T.withdrawals).insert([w(ada, 4_000, 'requested', '2026-01-02T09:00:00Z'), w(bob, 500, 'requested', '2026-01-03T23:59:00Z'), w(ada, 100_000, 'paid', '2025-10-01T00:00:00Z')]);

    let line = 1;
    const c = (agent: number, program: number, amount: number, currency: string, status: string, iso: string) => ({
      agent_id: agent,
      program_id: program,
      client_id: x,
      invoice_id: line,
      invoice_line_id: line++,
      rule: 'auto',
      role: 'sales',
      terms_version: 1,
      base_minor: amount * 5,
      parts: '[]',
      amount_minor: amount,
      adjusted_minor: 0,
      currency,
      status,
      created_at: at(iso),
      available_at: at(iso),
    });
    await db(T.commissions).insert([
      c(ada, sigma.id, 12_000, 'USD', 'pending', '2026-01-01T12:00:00Z'),
      c(ada, sigma.id, 3_000, 'USD', 'available', '2025-12-07T00:00:00Z'), // the period's first moment
      c(ada, sigma.id, 99_999, 'USD', 'available', '2025-12-06T23:59:59Z'), // a second before it
      c(ada, sigma.id, 5_000, 'USD', 'rejected', '2026-01-02T12:00:00Z'), // never earned
      c(bob, sigma.id, 20_000, 'USD', 'reversed', '2026-01-04T12:00:00Z'),
      c(chen, lessons.id, 100_000, 'RUB', 'pending', '2025-12-31T12:00:00Z'),
    ]);
    const click = (agent: number, iso: string, i: number) => ({ agent_id: agent, uid: `u${i}`, created_at: at(iso), ip: '192.0.2.1', user_agent: 'test', referer: '' });
    await db(T.clicks).insert([
      click(ada, '2026-01-01T00:00:00Z', 1),
      click(ada, '2026-01-02T00:00:00Z', 2),
      click(ada, '2026-01-05T09:00:00Z', 3),
      click(ada, '2025-11-01T00:00:00Z', 4),
      click(bob, '2025-12-20T00:00:00Z', 5),
    ]);
    const referral = (agent: number, clientId: number, iso: string, paid: number | null) => ({
      agent_id: agent,
      client_id: clientId,
      program_id: sigma.id,
      terms_version: 1,
      rule: 'cookie',
      created_at: at(iso),
      first_paid_invoice_id: paid,
    });
    await db(T.referrals).insert([referral(ada, x, '2026-01-01T00:10:00Z', 1), referral(ada, y, '2026-01-02T00:10:00Z', null), referral(ada, z, '2025-11-01T00:10:00Z', 5)]);
  });
  after(() => f.host.stop());

  const table = (page: string, id: string) => {
    const start = page.indexOf(`data-testid="report-${id}"`);
    return page
      .slice(start, page.indexOf('</table>', start))
      .split('<tr>')
      .slice(2)
      .map((tr) => [...tr.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, '').trim()));
  };

  it('shows what is owed per currency, payouts due by day and the next scheduled payouts', async () => {
    const page = (await admin.agent.get(act('programReport'))).text;
    // USD: pending 250 + 10, available 150 + 50, requested 40 + 5; withdrawn and the house's side are not owed.
    expect(table(page, 'liability')).to.deep.equal([
      ['RUB', 'RUB\u00a0500.00', 'RUB\u00a02,000.00', 'RUB\u00a00.00', 'RUB\u00a02,500.00'],
      ['USD', 'USD\u00a0260.00', 'USD\u00a0200.00', 'USD\u00a045.00', 'USD\u00a0505.00'],
    ]);
    expect(table(page, 'due')).to.deep.equal([
      ['2026-01-02', 'USD', '1', 'USD\u00a040.00'],
      ['2026-01-03', 'USD', '1', 'USD\u00a05.00'],
    ]);
    // Cloudlessons pays next on the 15th; CloudSigma at the next quarter. Only Ada (150 ≥ 100) and
    // Chen (2,000 ≥ 1,000) are above their thresholds; Bob's 50 is not.
    expect(table(page, 'scheduled')).to.deep.equal([
      ['Партнерская программа Cloudlessons', 'on the 1st and the 15th', '2026-01-15', '1', 'RUB\u00a02,000.00'],
      ['CloudSigma Partner Program', 'quarterly', '2026-04-01', '1', 'USD\u00a0150.00'],
    ]);
  });

  it("ranks the period's top agents by what they earned and shows each program's funnel", async () => {
    const page = (await admin.agent.get(`${act('programReport')}&period=30d`)).text;
    // Ada: 120 + 30 (the 999.99 a second early and the rejected 50 do not count); Bob's 200 was earned, then reversed.
    expect(table(page, 'top')).to.deep.equal([
      ['Chen Wei chen@example.com', '1', 'RUB\u00a01,000.00'],
      ['@Bob Builder bob@example.com', '1', 'USD\u00a0200.00'],
      ['Ada Lovelace ada@example.com', '2', 'USD\u00a0150.00'],
    ]);
    // CloudSigma: 3 + 1 clicks in the period; 2 sign-ups (50.0 %), 1 of them paying (50.0 %); earned 120 + 30 + 200.
    expect(table(page, 'funnel')).to.deep.equal([
      ['Affiliate program', '0', '0', '—', '0', '—', 'USD\u00a00.00'], // the platform's default program
      ['CloudSigma Partner Program', '4', '2', '50.0%', '1', '50.0%', 'USD\u00a0350.00'],
      ['Партнерская программа Cloudlessons', '0', '0', '—', '0', '—', 'RUB\u00a01,000.00'],
    ]);
    // The last 7 days: Bob's click of 2025-12-20 and the commission of 2025-12-07 fall out.
    const week = (await admin.agent.get(`${act('programReport')}&period=7d`)).text;
    expect(table(week, 'funnel')[1]).to.deep.equal(['CloudSigma Partner Program', '3', '2', '66.7%', '1', '50.0%', 'USD\u00a0320.00']);
    // A custom range of one day.
    const day = (await admin.agent.get(`${act('programReport')}&period=custom&from=2026-01-01&to=2026-01-01`)).text;
    expect(table(day, 'funnel')[1]).to.deep.equal(['CloudSigma Partner Program', '1', '1', '100.0%', '1', '100.0%', 'USD\u00a0120.00']);
    const bad = await admin.agent.get(`${act('programReport')}&period=custom&from=2026-02-01&to=2026-01-01`);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('Choose a start date on or before the end date');
  });

  it('exports each table as CSV with the same figures, formula-safe', async () => {
    const csv = async (t: string, extra = '') => {
      const res = await admin.agent.get(`${act('programReport')}&period=30d&export=${t}${extra}`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/csv/);
      return res;
    };
    expect(parseCsv((await csv('liability')).text)).to.deep.equal([
      ['Currency', 'Pending', 'Available', 'Requested', 'Total'],
      ['RUB', '500.00', '2000.00', '0.00', '2500.00'],
      ['USD', '260.00', '200.00', '45.00', '505.00'],
    ]);
    const top = await csv('top');
    expect(top.headers['content-disposition']).to.contain('agenttools-top-2025-12-07-2026-01-05.csv');
    expect(parseCsv(top.text)).to.deep.equal([
      ['Agent', 'E-mail', 'Currency', 'Commissions', 'Earned'],
      ['Chen Wei', 'chen@example.com', 'RUB', '1', '1000.00'],
      ["'@Bob Builder", 'bob@example.com', 'USD', '1', '200.00'],
      ['Ada Lovelace', 'ada@example.com', 'USD', '2', '150.00'],
    ]);
    expect(parseCsv((await csv('funnel')).text)[2]).to.deep.equal(['CloudSigma Partner Program', '4', '2', '50.0%', '1', '50.0%', 'USD', '350.00']);
    expect(parseCsv((await csv('due')).text)).to.have.length(3);
    expect((await csv('scheduled', '&bom=1')).text.charCodeAt(0)).to.equal(0xfeff);
    // An unknown table is the page, not a file.
    const page = await admin.agent.get(`${act('programReport')}&export=secrets`);
    expect(page.headers['content-type']).to.match(/^text\/html/);
  });
});
