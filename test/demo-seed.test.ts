import { expect } from 'chai';
import request from 'supertest';
import { DateTime } from 'luxon';
import { onEachDatabase } from './support/databases';
import { csrfFrom } from './support/host-fixture';
import { DEMO, DEMO_PASSWORD, seedDemo } from '../host/seed';
import { LIFECYCLE } from '../host/seed-lifecycle';
import { createHost, type Host } from '../host/app';
import { ManualClock } from '../module/core/clock';
import { MemoryLogger } from '../module/core/logger';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';

const ADMIN = '/admin/addonmodules.php?module=agenttools';
const AGENT_PAGE = '/index.php?m=agenttools';

/** A browser signed in to the demo, as the admin or as a client (by e-mail). */
async function signedIn(host: Host, who: { admin: true } | { email: string }) {
  const browser = request.agent(host.app);
  const path = 'admin' in who ? '/admin/login' : '/login';
  const page = await browser.get(path);
  const fields = 'admin' in who ? { username: DEMO.admin } : { email: who.email };
  const res = await browser
    .post(path)
    .type('form')
    .send({ ...fields, password: DEMO_PASSWORD, _csrf: csrfFrom(page.text) });
  expect(res.status, `sign-in of ${JSON.stringify(who)}`).to.equal(303);
  return browser;
}

/** What `npm start` shows a first-time visitor: an agent with money in every state, and Cloud One's lifecycle. */
onEachDatabase('the demo data of npm start', ({ current }) => {
  let host: Host;
  let history: Awaited<ReturnType<typeof seedDemo>>['history'];
  const agentOf = async (email: string) => {
    const client = await current().db('host_clients').where({ email }).first();
    return current().db(T.agents).where({ client_id: client.id }).first();
  };

  before(async function () {
    // A year of history makes the seed take about 10 s on an idle machine.
    this.timeout(120_000);
    ({ history } = await seedDemo(current().db, new MemoryLogger()));
    host = await createHost({ db: current().db, clock: new ManualClock(Date.now()), logger: new MemoryLogger(), module: { clickFlushMs: 60_000 } });
  });
  after(() => host?.stop());

  it('has an admin, agents with clicks and sign-ups, and clients', async () => {
    const db = current().db;
    expect(await db('host_admins')).to.have.length(1);
    // Alice, Tom, Dana; and Cloud One's Paula, Dan and Nia.
    expect(await db(T.agents)).to.have.length(6);
    // Alice's 14 clicks, Paula's 6 and Dan's 2; and Alice's and Tom's year before (each sign-up through a click of its own).
    expect(Number((await db(T.clicks).count({ n: '*' }).first())?.n)).to.equal(22 + history.alice.clicks + history.tom.clicks);
    expect(await db(T.referrals)).to.have.length(13 + history.alice.signups + history.tom.signups);
    expect(history.alice.signups).to.be.at.least(2);
    expect(history.alice.sales).to.be.at.least(10);
    expect((await db(T.programs).orderBy('slug')).map((p) => p.slug)).to.deep.equal(['cloud-one', 'cloudcodes', 'cloudlessons', 'cloudpockets', 'cloudsigma', 'default']);
    expect((await db(T.referrals).whereNotNull('closed_at')).length).to.equal(1);
  });

  it('has a text link for the agents to share, and a CloudCodes agent with a registered domain', async () => {
    const db = current().db;
    expect((await db(T.creatives)).map((c) => [c.kind, c.link_text])).to.deep.equal([['text', 'Cloud servers from $5 a month']]);
    const [registration] = await db(T.domains);
    const dana = await db(T.agents).where({ id: registration.agent_id }).first();
    expect([registration.domain, (await db(T.programs).where({ id: dana.program_id }).first()).slug]).to.deep.equal(['acme-widgets.example', 'cloudcodes']);
  });

  it('has commissions pending, available and voided, and a paid withdrawal, to the cent', async () => {
    const db = current().db;
    // The main story's (Bob, Dave, Eve and Carol); the year before is Alice's history, checked below.
    const story = db('host_clients').whereIn('email', ['bob@example.com', 'dave@example.com', 'eve@example.com', 'carol@example.com']).select('id');
    const rows: { status: string; s: string | number }[] = await db(T.commissions).where({ currency: 'USD' }).whereIn('client_id', story).select('status').sum({ s: 'amount_minor' }).groupBy('status');
    const byStatus = Object.fromEntries(rows.map((r) => [r.status, Number(r.s)]));
    expect(byStatus).to.deep.equal({ available: 10_000, pending: 300, voided: 150 });
    // Tom's 63 %: 60 % with the sale, and the 3 % target bonus (an admin's decision for the month)
    // as a line of its own once the month has closed (Nairobi), which depends on the day the demo is made.
    const tomAgent = await agentOf(DEMO.cloudOneAgent);
    const wanjiku = db('host_clients').where({ email: 'wanjiku@example.com' }).select('id');
    const [tom, ...bonus] = await db(T.commissions).where({ agent_id: tomAgent.id }).whereIn('client_id', wanjiku).orderBy('id');
    expect([Number(tom.amount_minor), tom.role, tom.status]).to.deep.equal([720_000, 'sales+technical', 'pending']);
    const closed = DateTime.fromMillis(Number(tom.created_at), { zone: 'Africa/Nairobi' }).toFormat('yyyy-LL') < DateTime.now().setZone('Africa/Nairobi').toFormat('yyyy-LL');
    expect(bonus.map((b) => [Number(b.amount_minor), b.role])).to.deep.equal(closed ? [[36_000, 'target_bonus']] : []);
    const [w] = await db(T.withdrawals);
    expect([w.status, Number(w.amount_minor)]).to.deep.equal(['paid', 5_000]);
    expect((await verifyLedger(db)).problems).to.deep.equal([]);
  });

  for (const [who, email, zone] of [
    ['Alice', DEMO.agent, 'UTC'],
    ['Tom', DEMO.cloudOneAgent, 'Africa/Nairobi'],
  ] as const)
    it(`${who}'s Overview over 12 months shows a year of activity: each month's clicks as stored, money earned in most months`, async () => {
      const db = current().db;
      const agent = await agentOf(email);
      const page = (await (await signedIn(host, { email })).get(`${AGENT_PAGE}&period=12m`)).text;
      const table = /data-testid="chart-table">([\s\S]*?)<\/details>/.exec(page)?.[1] ?? '';
      const months = [...table.matchAll(/<tr>\s*<td[^>]*>([^<]+)<\/td>\s*<td[^>]*>([^<]+)<\/td>\s*<td[^>]*>(\d+)<\/td>/g)].map((m) => ({
        month: (m[1] ?? '').trim(),
        earned: (m[2] ?? '').replace(/[^\d]/g, ''),
        clicks: Number(m[3]),
      }));
      expect(months, 'twelve months in the chart table').to.have.length(12);
      // The clicks stored for the agent, month by month in the program's zone: what the roll-ups must show.
      const stored = new Map<string, number>();
      for (const c of await db(T.clicks).where({ agent_id: agent.id }).select('created_at')) {
        const m = DateTime.fromMillis(Number(c.created_at), { zone }).toFormat('yyyy-LL');
        stored.set(m, (stored.get(m) ?? 0) + 1);
      }
      const expected = months.map((m) => [m.month, stored.get(m.month) ?? 0]);
      expect(months.map((m) => [m.month, m.clicks])).to.deep.equal(expected);
      // Every day of the year has clicks; the month just begun may not have any yet.
      expect(months.filter((m) => m.clicks > 0).length, 'months with clicks').to.be.at.least(11);
      expect(months.filter((m) => Number(m.earned) > 0).length, 'months with money earned').to.be.at.least(7);
    });

  it('Paula was promoted to Bronze by the quarterly evaluation (KES 180,000.00 over 3 months, 3 new customers), and her page says so', async () => {
    const db = current().db;
    const paula = await agentOf(LIFECYCLE.promoted);
    expect(paula.tier).to.equal('bronze');
    const rows = await db(T.tierHistory).where({ agent_id: paula.id }).orderBy('id');
    expect(rows.map((r) => [r.from_tier, r.to_tier, r.rule, r.actor])).to.deep.equal([['affiliate', 'bronze', 'evaluation', 'cron']]);
    expect(JSON.parse(rows[0].figures)).to.deep.include({ salesMinor: 18_000_000, currency: 'KES', months: 3, newCustomers: 3 });
    const page = (await (await signedIn(host, { email: LIFECYCLE.promoted })).get(AGENT_PAGE)).text;
    expect(page).to.match(/data-testid="tier-headline">Bronze since \d{1,2} \w+ \d{4}: average sales KES\u00a060,000.00 a month, 1 new customer a month</);
    expect(page).to.contain('data-testid="tier-history"').and.contain('quarterly evaluation of');
  });

  it('Dan, set to Bronze by an admin, was demoted to Affiliate by the same evaluation and his 2 clients reassigned; the admin’s page of him shows it', async () => {
    const db = current().db;
    const dan = await agentOf(LIFECYCLE.demoted);
    const paula = await agentOf(LIFECYCLE.promoted);
    expect(dan.tier).to.equal('affiliate');
    const rows = await db(T.tierHistory).where({ agent_id: dan.id }).orderBy('id');
    expect(rows.map((r) => [r.from_tier, r.to_tier, r.rule])).to.deep.equal([
      ['affiliate', 'bronze', 'admin'],
      ['bronze', 'affiliate', 'evaluation'],
    ]);
    expect(rows[1].period).to.equal(rows.length && (await db(T.tierHistory).where({ agent_id: paula.id }).first()).period);
    // Otieno and Achieng, whom Dan referred, are now the least-loaded agent's of the highest tier: Paula's.
    expect(await db(T.referrals).where({ agent_id: dan.id })).to.deep.equal([]);
    const moved = await db(T.referrals).where({ rule: 'reassigned' });
    expect(moved.map((r) => r.agent_id)).to.deep.equal([paula.id, paula.id]);
    const admin = await signedIn(host, { admin: true });
    const page = (await admin.get(`${ADMIN}&action=agent&id=${dan.id}`)).text;
    expect(page).to.contain('data-testid="tier-history"').and.contain('quarterly evaluation of').and.contain('demo: brought over from a partner network');
  });

  it('Nia joined Cloud One 10 days ago and has sold nothing: on probation, her page counts the days down', async () => {
    const nia = await agentOf(LIFECYCLE.probation);
    const probation = await current().db(T.probations).where({ agent_id: nia.id }).first();
    expect([probation.status, probation.tier]).to.deep.equal(['open', 'affiliate']);
    const page = (await (await signedIn(host, { email: LIFECYCLE.probation })).get(AGENT_PAGE)).text;
    const left = /data-testid="probation">On probation: (\d+) days left to make a first sale/.exec(page);
    // 90 days from joining, 10 days ago: 80 left (81 when the demo is made late in Nairobi's day).
    expect(Number(left?.[1])).to.be.within(79, 81);
  });

  it('Grace’s application to Cloud One waits in the admin’s queue', async () => {
    const admin = await signedIn(host, { admin: true });
    expect((await admin.get(ADMIN)).text).to.contain('data-testid="inbox-count-applications">1</td>');
    const queue = (await admin.get(`${ADMIN}&action=applications`)).text;
    expect(queue).to.contain('data-testid="applications"').and.contain('Grace Applicant').and.contain('Cloud One Agent Program');
  });
});
