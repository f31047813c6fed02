import { viewHelpers } from '../../module/http/render';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from '../support/databases';
import { Scenario, verifyAfterEach } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';
import type { TierChange } from '../../module/tiers';
import { T } from '../../module/db/tables';
import { createAgentTools } from '../../module/agenttools';

/**
 * Cloud One tiers over 16 months (December 2025 to April 2027), evaluated quarterly by the daily
 * cron in Africa/Nairobi (UTC+3): each quarter's average monthly paid sales and new paying
 * customers, with the admin's checklist, decide the next quarter's tier (examples/programs/cloud-one.yaml).
 *
 * The requirements used here: Bronze KES 50,000.00 and 1 new customer a month; Silver KES
 * 250,000.00 and 2; Gold KES 500,000.00 and 3 and an intermediate technical certification. The
 * agent's checklist: SIP trunk, 1 sales certification, basic technical certification, agreement:
 * enough for Bronze and Silver, not Gold.
 */
const managed = (amount: number) => ({ amount, category: 'Managed Subscriptions' });
const talkTime = (amount: number) => ({ amount, category: 'Talk Time' });

/** Runs the daily cron once a day until the instant (UTC), as the host would. */
async function until(s: Scenario, iso: string): Promise<void> {
  const end = Date.parse(iso);
  while (s.clock.now() + 86_400_000 <= end) await s.daysPass(1);
}

async function historyOf(db: Knex, agentId: number): Promise<[string | null, string, string, string | null][]> {
  const rows = await db(T.tierHistory).where({ agent_id: agentId }).orderBy('id');
  return rows.map((r) => [r.from_tier, String(r.to_tier), String(r.effective_on), r.period]);
}

onEachDatabase('Cloud One tiers: promoted by the quarterly evaluation, later demoted to Affiliate', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let agent: number;
  const reassigned: [number, number, string][] = [];

  before(async () => {
    // The program is loaded on 15 December 2025: the first whole quarter it evaluates is 2026-Q1.
    s = await new Scenario(current().db, '2025-12-15T09:00:00Z').start();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
    // The real reassignment runs; the test also notes each call it gets.
    const reassignment = s.services.reassignment;
    const reassignAll = reassignment.reassignAll.bind(reassignment);
    reassignment.reassignAll = (agentId, programId, reason, trx) => {
      reassigned.push([agentId, programId, reason]);
      return reassignAll(agentId, programId, reason, trx);
    };
    agent = await s.agent(program);
    const items = program.def.tiers.flatMap((t) => t.requirements?.checklist ?? []);
    await s.services.checklists.set(agent, items, { sip_trunk: '1', sales_certifications: '1', technical_certification: 'basic', agreement: '1' }, 'admin:1');
  });
  verifyAfterEach(() => s);

  it('2026-Q1 as an Affiliate: 2 new customers a month, each KES 150,000.00 of managed subscriptions, earn the 10 % one-off: KES 15,000.00 each, KES 90,000.00 in all', async () => {
    for (const month of ['2026-01-05', '2026-02-05', '2026-03-05']) {
      await until(s, `${month}T09:00:00Z`);
      for (let i = 0; i < 2; i++) {
        const client = await s.referredClient(agent);
        const paid = await s.pays(client, [managed(15_000_000)]);
        // 10 % of KES 150,000.00 = KES 15,000.00 (1,500,000 cents).
        expect(await s.commissionsOf(paid.invoiceId)).to.deep.equal([[agent, 1_500_000, 'pending']]);
      }
    }
    expect((await s.services.agents.get(agent))!.tier).to.equal('affiliate');
    const b = await s.balances(agent);
    // 6 × KES 15,000.00 = KES 90,000.00; January's two are released on 19 February (5 Jan + 45 days).
    expect(b.pending + b.available).to.equal(9_000_000);
  });

  it('on 1 April 2026 the Q1 evaluation makes the agent Silver: KES 900,000.00 / 3 = 300,000.00 a month ≥ 250,000.00, 6 / 3 = 2 new customers a month ≥ 2; not Gold (500,000.00, intermediate certification)', async () => {
    await until(s, '2026-03-31T09:00:00Z');
    expect((await s.services.agents.get(agent))!.tier).to.equal('affiliate');
    await s.daysPass(1); // 1 April 09:00 UTC, 12:00 in Nairobi
    expect((await s.services.agents.get(agent))!.tier).to.equal('silver');
    const [change] = await s.services.tierHistory.forAgent(agent);
    expect(change).to.deep.include({ fromTier: 'affiliate', toTier: 'silver', effectiveOn: '2026-04-01', rule: 'evaluation', period: '2026-Q1', actor: 'cron' });
    expect(change!.figures).to.deep.equal({ salesMinor: 90_000_000, currency: 'KES', months: 3, newCustomers: 6, paidOrders: 6 });
    // What the agent's dashboard says (module/tiers/tier-view.ts, texts from lang/english.ts).
    const panel = (await s.services.tierView.forAgent((await s.services.agents.get(agent))!, program, viewHelpers('english', '')))!;
    expect(panel.headline).to.equal('Silver since 1 April 2026: average sales KES\u00a0300,000.00 a month, 2 new customers a month');
    expect(panel.toKeep).to.equal(
      'To keep Silver: average sales of KES\u00a0250,000.00 a month, 2 new customers a month, Active agent SIP trunk, Sales certifications: 1, Technical certification: basic, Signed agent agreement on file',
    );
    // To reach Gold, only what is missing of the checklist is listed.
    expect(panel.toReach).to.equal('To reach Gold: average sales of KES\u00a0500,000.00 a month, 3 new customers a month, Technical certification: intermediate');
    expect(panel.benefits).to.include('8 agent SIP trunk channels');
    // A second run the same day decides nothing again.
    await s.fire('DailyCronJob', {});
    expect(await historyOf(s.db, agent)).to.deep.equal([['affiliate', 'silver', '2026-04-01', '2026-Q1']]);
  });

  it('2026-Q2 as Silver: one new customer a month at KES 60,000.00 earns the 5 % recurring rate, KES 3,000.00 each; on 1 July the agent is Bronze (180,000.00 / 3 = 60,000.00 ≥ 50,000.00, 1 new customer a month; under Silver)', async () => {
    for (const month of ['2026-04-10', '2026-05-10', '2026-06-10']) {
      await until(s, `${month}T09:00:00Z`);
      const paid = await s.pays(await s.referredClient(agent), [managed(6_000_000)]);
      // 5 % of KES 60,000.00 = KES 3,000.00.
      expect(await s.commissionsOf(paid.invoiceId)).to.deep.equal([[agent, 300_000, 'pending']]);
    }
    await until(s, '2026-07-01T09:00:00Z');
    expect((await s.services.agents.get(agent))!.tier).to.equal('bronze');
    const [change] = await s.services.tierHistory.forAgent(agent);
    expect(change).to.deep.include({ fromTier: 'silver', toTier: 'bronze', effectiveOn: '2026-07-01', period: '2026-Q2' });
    expect(change!.figures).to.deep.include({ salesMinor: 18_000_000, months: 3, newCustomers: 3 });
    const b = await s.balances(agent);
    // KES 90,000.00 + 3 × KES 3,000.00 = KES 99,000.00.
    expect(b.pending + b.available).to.equal(9_900_000);
    expect(reassigned).to.deep.equal([]);
  });

  it('2026-Q3 with no sales: on 1 October the agent is demoted to Affiliate, their clients are reassigned and tiering restarts', async () => {
    await until(s, '2026-10-01T09:00:00Z');
    expect((await s.services.agents.get(agent))!.tier).to.equal('affiliate');
    expect(await historyOf(s.db, agent)).to.deep.equal([
      ['affiliate', 'silver', '2026-04-01', '2026-Q1'],
      ['silver', 'bronze', '2026-07-01', '2026-Q2'],
      ['bronze', 'affiliate', '2026-10-01', '2026-Q3'],
    ]);
    expect(reassigned).to.deep.equal([[agent, program.id, 'demoted to affiliate (2026-Q3)']]);
    // Affiliate is the probation tier: a new 90 days from 1 October 00:00 Nairobi (21:00 UTC the day before),
    // the earlier probation ended as left; the deadline is the start of 30 December.
    const probations = await s.db(T.probations).where({ agent_id: agent }).orderBy('id');
    expect(probations.map((p) => [String(p.status), new Date(Number(p.started_at)).toISOString(), new Date(Number(p.deadline_at)).toISOString()]).at(-1)).to.deep.equal([
      'open',
      '2026-09-30T21:00:00.000Z',
      '2026-12-29T21:00:00.000Z',
    ]);
    expect(probations.slice(0, -1).every((p) => p.status !== 'open')).to.equal(true);
    // Everything earned is released by now (the last, 10 June + 45 days); nothing was taken back.
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 9_900_000, reserved: 0, withdrawn: 0 });
  });

  it('demoted to Affiliate, the agent earns only the 10 % one-off on new sales: KES 2,000.00 on a new customer’s KES 20,000.00, nothing on its renewal or on talk time', async () => {
    await until(s, '2026-10-12T09:00:00Z');
    const client = await s.referredClient(agent);
    const first = await s.pays(client, [managed(2_000_000)]);
    expect(await s.commissionsOf(first.invoiceId)).to.deep.equal([[agent, 200_000, 'pending']]);
    await until(s, '2026-11-12T09:00:00Z');
    const renewal = await s.pays(client, [managed(2_000_000), talkTime(500_000)]);
    expect(await s.commissionsOf(renewal.invoiceId)).to.deep.equal([]);
    const b = await s.balances(agent);
    // KES 99,000.00 + KES 2,000.00 = KES 101,000.00.
    expect(b.pending + b.available).to.equal(10_100_000);
  });

  it('2026-Q4 and 2027-Q1 stay Affiliate (Q4: KES 20,000.00 measured since the restart on 1 October, 3 months: 6,666.67 a month < 50,000.00); each quarter is evaluated once', async () => {
    await until(s, '2027-04-02T09:00:00Z');
    expect((await s.services.agents.get(agent))!.tier).to.equal('affiliate');
    expect((await historyOf(s.db, agent)).length).to.equal(3);
    const runs = await s.db(T.tierRuns).where({ program_id: program.id }).orderBy('period');
    expect(runs.map((r) => String(r.period))).to.deep.equal(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1']);
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 10_100_000, reserved: 0, withdrawn: 0 });
  });

  it('an admin overrides the tier with a reason: logged in the history with who and why, and the agent earns at it at once', async () => {
    const change: TierChange = await s.services.tierChanges.override(agent, 'bronze', 'certified again; probation waived by the regional manager', 'admin:7');
    expect(change).to.deep.include({ fromTier: 'affiliate', toTier: 'bronze', rule: 'admin', actor: 'admin:7', reason: 'certified again; probation waived by the regional manager' });
    expect((await s.services.agents.get(agent))!.tier).to.equal('bronze');
    const paid = await s.pays(await s.referredClient(agent), [managed(1_000_000)]);
    // Bronze: 5 % of KES 10,000.00 = KES 500.00.
    expect(await s.commissionsOf(paid.invoiceId)).to.deep.equal([[agent, 50_000, 'pending']]);
  });
});

onEachDatabase('Cloud One tiers: the cron catches up a quarter it missed, and two nodes evaluate once', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let first: number;
  const firstClients: number[] = [];

  before(async () => {
    s = await new Scenario(current().db, '2025-12-15T09:00:00Z').start();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
  });
  verifyAfterEach(() => s);

  it('the cron did not run from 20 March to 10 April 2026: its next run evaluates 2026-Q1 once, with the tier effective from 1 April', async () => {
    const agent = await s.agent(program);
    first = agent;
    const items = program.def.tiers.flatMap((t) => t.requirements?.checklist ?? []);
    await s.services.checklists.set(agent, items, { sip_trunk: '1', sales_certifications: '1', agreement: '1' }, 'admin:1');
    s.clock.set('2026-01-20T09:00:00Z');
    // One new customer in each month of the quarter: KES 60,000.00 × 3 / 3 = 60,000.00 a month ≥ Bronze's 50,000.00.
    for (const day of ['2026-01-20', '2026-02-20', '2026-03-20']) {
      s.clock.set(`${day}T09:00:00Z`);
      const client = await s.referredClient(agent);
      firstClients.push(client);
      await s.pays(client, [managed(6_000_000)]);
    }
    await s.daysPass(21); // 10 April: the first run since 20 March
    expect((await s.services.agents.get(agent))!.tier).to.equal('bronze');
    const history = await s.services.tierHistory.forAgent(agent);
    expect(history.map((c) => [c.toTier, c.effectiveOn, c.period])).to.deep.equal([['bronze', '2026-04-01', '2026-Q1']]);
    await s.daysPass(1);
    expect((await s.services.tierHistory.forAgent(agent)).length).to.equal(1);
  });

  it('two nodes run the cron at once over 2026-Q2’s end: the agent is evaluated once, one history row, one e-mail; the first agent, with no Q2 sales, is demoted to Affiliate and their 3 clients go to the only Bronze agent, each once', async () => {
    const agent = await s.agent(program);
    const items = program.def.tiers.flatMap((t) => t.requirements?.checklist ?? []);
    await s.services.checklists.set(agent, items, { sip_trunk: '1', sales_certifications: '1', agreement: '1' }, 'admin:1');
    for (const day of ['2026-04-20', '2026-05-20', '2026-06-20']) {
      s.clock.set(`${day}T09:00:00Z`);
      await s.pays(await s.referredClient(agent), [managed(6_000_000)]);
    }
    s.clock.set('2026-07-01T09:00:00Z');
    const bronzeMails = () => s.host.emails.filter((m) => m.subject === 'Cloud One Agent Program: you are Bronze now').length;
    const mails = bronzeMails();
    // A second node: the same database and host, its own services.
    const other = createAgentTools({ db: s.db, host: s.host, clock: s.clock, secret: 'scenario-secret' });
    await Promise.all([s.services.tiers.runDaily(), other.services.tiers.runDaily()]);
    expect((await s.services.agents.get(agent))!.tier).to.equal('bronze');
    expect((await s.services.tierHistory.forAgent(agent)).map((c) => [c.toTier, c.period])).to.deep.equal([['bronze', '2026-Q2']]);
    expect(bronzeMails() - mails).to.equal(1);
    expect((await s.services.agents.get(first))!.tier).to.equal('affiliate');
    for (const client of firstClients) {
      expect(await s.agentOf(client)).to.equal(agent);
      const log = await s.db(T.assignmentLog).where({ client_id: client }).orderBy('id');
      // The referral made at sign-up is not a move; the reassignment is, once.
      expect(log.map((l) => [Number(l.to_agent_id), String(l.reason)])).to.deep.equal([[agent, 'demoted to affiliate (2026-Q2)']]);
    }
  });
});
