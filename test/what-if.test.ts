import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { EXAMPLES, Scenario, expectRuleError } from './support/scenario';
import { type Fixture, csrfFrom, session, startHost, agentAccount } from './support/host-fixture';
import type { Program } from '../module/programs/program-service';
import { T } from '../module/db/tables';
import { parseDefinition, thresholdOf } from '../module/programs/definition';
import { readProgramText } from '../module/programs/program-service';
import { currency } from '../module/money/currencies';
import { minor } from '../module/money/amount';
import type { Agent } from '../module/agents/agent-service';
import type { Commission } from '../module/commissions';
import type { InvoiceFacts } from '../module/what-if/invoice-facts';
import { replayInvoice } from '../module/what-if/replay';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { BROWSER } from './support/user-agents';

const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const act = (a: string) => `${ADMIN_PAGE}&action=${a}`;

/** Every row of every module table, to prove that a what-if writes nothing. */
async function snapshot(db: Knex): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const table of [...new Set(Object.values(T))].sort()) {
    if (!(await db.schema.hasTable(table))) continue;
    out[table] = (await db(table).select('*')).map((r) => JSON.stringify(r)).sort();
  }
  return JSON.stringify(out);
}

const cloudOneText = () => fs.readFileSync(path.join(EXAMPLES, 'cloud-one.yaml'), 'utf8');
/** Cloud One's next version: the managed-subscription one-off 10 % → 15 %, the recurring 5 % → 7 %. */
const cloudOneV2 = () => {
  const text = cloudOneText()
    .replace('terms_version: 1', 'terms_version: 2')
    .replace(
      '{ id: managed-one-off, categories: [Managed Subscriptions], tiers: [affiliate], rate_bp: 1000,',
      '{ id: managed-one-off, categories: [Managed Subscriptions], tiers: [affiliate], rate_bp: 1500,',
    )
    .replace(
      '{ id: managed-recurring, categories: [Managed Subscriptions], tiers: [bronze, silver, gold, platinum, titanium], rate_bp: 500 }',
      '{ id: managed-recurring, categories: [Managed Subscriptions], tiers: [bronze, silver, gold, platinum, titanium], rate_bp: 700 }',
    );
  if (!text.includes('rate_bp: 1500,') || !text.includes('rate_bp: 700 }')) throw new Error('cloud-one.yaml changed: the what-if test edits its managed rules');
  return text;
};
const managed = (amount: number) => ({ amount, category: 'Managed Subscriptions' });

/**
 * The admin's what-if (issue #11 §5): March 2026 of Cloud One (KES) replayed under a version with
 * other rates, beside what was earned. Bea is Bronze (managed subscriptions recurring 5 %, talk
 * time 5 %), Al an Affiliate (10 % once on the first managed subscription).
 */
onEachDatabase('what-if: a new program version over a past period', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let bea: number;
  let al: number;

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
    bea = await s.agent(program, { tier: 'bronze' });
    al = await s.agent(program);
    // An admin says Bea met March's targets: at the month's close each of her sales that stands
    // gets Bronze's 1 % target bonus as a line of its own.
    await s.services.targets.override(bea, '2026-03', true, 'targets met (what-if test)', 'admin:1');
    const c1 = await s.referredClient(bea);
    const c2 = await s.referredClient(al);
    const c3 = await s.referredClient(bea);
    // 2 March: C1's KES 5,000.00 subscription: Bea 5 % = KES 250.00.
    await s.pays(c1, [managed(500_000)]);
    s.clock.advanceDays(3);
    // 5 March: C2's first subscription, KES 5,000.00: Al 10 % once = KES 500.00.
    await s.pays(c2, [managed(500_000)]);
    s.clock.advanceDays(5);
    // 10 March: C1's KES 10,000.00 of talk time: Bea 5 % = KES 500.00.
    await s.pays(c1, [{ amount: 1_000_000, category: 'Talk Time' }]);
    s.clock.advanceDays(2);
    // 12 March: C3's KES 3,000.00 subscription (Bea KES 150.00), refunded in full on the 14th.
    const refunded = await s.pays(c3, [managed(300_000)]);
    s.clock.advanceDays(2);
    await s.refund(refunded.invoiceId, 300_000, 'c3-full');
    s.clock.advanceDays(6);
    // 20 March: C1's next KES 5,000.00 (Bea KES 250.00), half refunded: KES 125.00 stays.
    const half = await s.pays(c1, [managed(500_000)]);
    await s.refund(half.invoiceId, 250_000, 'c1-half');
    s.clock.advanceDays(5);
    // 25 March: C2's second subscription: the one-off was earned, nothing.
    await s.pays(c2, [managed(500_000)]);
    s.clock.advanceDays(8);
    // 2 April, outside the period: C1's KES 5,000.00, Bea KES 250.00.
    await s.pays(c1, [managed(500_000)]);
    // The cron closes March: Bea's bonuses, 1 % of each standing sale: KES 50.00 (invoice 1),
    // KES 100.00 (talk time), KES 25.00 (the half-refunded one: 50.00 less its refunded half),
    // none on the refunded one: KES 175.00.
    await s.fire('DailyCronJob', {});
    const bonuses = await s.db(T.commissions).where({ agent_id: bea, role: 'target_bonus' }).sum({ s: 'amount_minor' }).first();
    expect(Number(bonuses?.s)).to.equal(17_500);
  });
  after(async () => {
    await s.mustVerify();
    await s.stop();
  });

  it('each agent’s earned and would-earn, exact: Bea KES 1,050.00 → KES 1,200.00, Al KES 500.00 → KES 750.00; and nothing is written', async () => {
    const before = await snapshot(current().db);
    const r = await s.services.whatIf.compare(program.id, cloudOneV2(), '2026-03-01', '2026-03-31');
    expect(await snapshot(current().db)).to.equal(before);
    // Six invoices paid in March (2 April's is not in it).
    expect(r.invoices).to.equal(6);
    // Bea earned 250 + 500 + 0 (refunded) + 125 = KES 875.00 and KES 175.00 of bonus: KES 1,050.00.
    // At 7 % she would have earned 350 + 500 (talk time unchanged) + 0 + (350 − 175) = KES 1,025.00,
    // and the same bonus (8 % − 7 % = 1 %: 50 + 100 + 25): KES 1,200.00.
    // Al earned KES 500.00; at 15 % once: KES 750.00, and still nothing on the second invoice.
    expect(r.rows.map((x) => [x.agentId, x.currency, x.earned, x.wouldEarn, x.difference])).to.deep.equal([
      [bea, 'KES', 105_000, 120_000, 15_000],
      [al, 'KES', 50_000, 75_000, 25_000],
    ]);
    expect(r.totals).to.deep.equal([{ currency: 'KES', earned: 155_000, wouldEarn: 195_000, difference: 40_000 }]);
  });

  it('the same terms over the same period would earn exactly what was earned', async () => {
    const r = await s.services.whatIf.compare(program.id, cloudOneText(), '2026-03-01', '2026-03-31');
    expect(r.rows.map((x) => [x.agentId, x.earned, x.wouldEarn, x.difference])).to.deep.equal([
      [bea, 105_000, 105_000, 0],
      [al, 50_000, 50_000, 0],
    ]);
  });

  it('April alone: Bea KES 250.00 earned, KES 350.00 at 7 %', async () => {
    const r = await s.services.whatIf.compare(program.id, cloudOneV2(), '2026-04-01', '2026-04-30');
    expect(r.rows.map((x) => [x.agentId, x.earned, x.wouldEarn])).to.deep.equal([[bea, 25_000, 35_000]]);
  });

  it('an invalid definition, another program’s file or a period the wrong way round is refused beside its field, and nothing is written', async () => {
    const before = await snapshot(current().db);
    await expectRuleError(
      s.services.whatIf.compare(program.id, cloudOneV2().replace('rate_bp: 700 }', 'rate_bp: -7 }'), '2026-03-01', '2026-03-31'),
      'definition',
      /rules\[\d+\]\.rate_bp: not negative/,
    );
    await expectRuleError(s.services.whatIf.compare(program.id, 'slug: [', '2026-03-01', '2026-03-31'), 'definition', /not valid JSON or YAML/);
    await expectRuleError(s.services.whatIf.compare(program.id, cloudOneV2().replace('slug: cloud-one', 'slug: cloud-two'), '2026-03-01', '2026-03-31'), 'definition', /cloud-two/);
    await expectRuleError(s.services.whatIf.compare(program.id, cloudOneV2(), '2026-03-31', '2026-03-01'), 'to');
    await expectRuleError(s.services.whatIf.compare(program.id, cloudOneV2(), '1 March', '2026-03-31'), 'from');
    expect(await snapshot(current().db)).to.equal(before);
  });
});

/**
 * The admin page, on the default program (USD, 10 %): one referred client pays USD 123.45 on
 * 5 January (USD 12.35 earned, 12.345 rounded half away from zero); at 20 % it would be USD 24.69.
 */
onEachDatabase('what-if: the admin page', ({ current }) => {
  let f: Fixture;
  let admin: Awaited<ReturnType<typeof session>>;
  let programId: number;
  let definition: string;
  let agentId: number;

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    ({ agentId } = await agentAccount(f.host, 'wi-agent@example.com'));
    const core = f.host.agentTools.services;
    const program = await core.programs.bySlug('default');
    programId = program!.id;
    expect(program!.def.rules.map((r) => r.rate_bp)).to.deep.equal([1000]);
    definition = JSON.stringify({ ...program!.def, terms_version: 2, rules: program!.def.rules.map((r) => ({ ...r, rate_bp: 2000 })) });
    const click = await core.tracking.click(String(agentId), { ip: '203.0.113.9', userAgent: BROWSER, referer: '' });
    const client = await f.host.billing.createClient(
      { firstname: 'Wen', lastname: 'Client', email: 'wen@example.com', password: 'pass-pass-pass', currency: 'USD' },
      { request: { cookies: { [REFERRAL_COOKIE]: click.cookie!.value } } },
    );
    await f.host.billing.payInvoice(await f.host.billing.placeOrder(client, f.productId));
    expect((await current().db(T.commissions)).map((c) => Number(c.amount_minor))).to.deep.equal([1_235]);
  });
  after(() => f.host.stop());

  it('the home page links to it; the table shows earned, would earn and the difference in money, and nothing is written', async () => {
    expect((await admin.agent.get(act('programs'))).text).to.contain('data-testid="what-if-link"');
    const before = await snapshot(current().db);
    const res = await admin.post(act('whatIf'), act('whatIfRun'), { program_id: programId, definition, from: '2026-01-01', to: '2026-01-31' });
    expect(res.status).to.equal(200);
    expect(res.text).to.contain('data-testid="what-if"').and.contain('1 paid invoices replayed');
    const row = new RegExp(`<tr data-agent="${agentId}">.*?</tr>`).exec(res.text)?.[0] ?? '';
    expect(row).to.contain('Visitor Person').and.contain('$12.35').and.contain('$24.69').and.contain('$12.34');
    expect(await snapshot(current().db)).to.equal(before);
  });

  it('the definition may come as an uploaded file instead: the same figures', async () => {
    const page = await admin.agent.get(act('whatIf'));
    const res = await admin.agent
      .post(act('whatIfRun'))
      .field('_csrf', csrfFrom(page.text))
      .field('program_id', String(programId))
      .field('from', '2026-01-01')
      .field('to', '2026-01-31')
      .attach('definition_file', Buffer.from(definition, 'utf8'), 'default-v2.json');
    expect(res.status).to.equal(200);
    const row = new RegExp(`<tr data-agent="${agentId}">.*?</tr>`).exec(res.text)?.[0] ?? '';
    expect(row).to.contain('$12.35').and.contain('$24.69').and.contain('$12.34');
  });

  it('an invalid definition: 422 with the definition’s error beside the field, nothing written; without the CSRF token, refused', async () => {
    const before = await snapshot(current().db);
    const bad = await admin.post(act('whatIf'), act('whatIfRun'), { program_id: programId, definition: definition.replace('"rate_bp":2000', '"rate_bp":"x"'), from: '2026-01-01', to: '2026-01-31' });
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('data-testid="definition-error"').and.contain('rules[0].rate_bp');
    const noToken = await admin.agent.post(act('whatIfRun')).type('form').send({ program_id: programId, definition, from: '2026-01-01', to: '2026-01-31' });
    expect(noToken.status).to.be.within(400, 499);
    expect(await snapshot(current().db)).to.equal(before);
  });
});

/**
 * One invoice replayed without a database: a Bronze agent's KES 5,000.00 managed subscription
 * under Cloud One's own terms (5 %, and 1 % target bonus where the month's targets were met).
 */
describe('what-if: the replay of one invoice', () => {
  const def = parseDefinition(readProgramText(cloudOneText()));
  const program: Program = {
    id: 1,
    slug: def.slug,
    name: def.name,
    version: 2,
    def,
    currency: currency(def.currency),
    timezone: def.timezone,
    cookieDays: 30,
    holdDays: 45,
    payoutThreshold: thresholdOf(def, 'KES') ?? minor(0),
  };
  const agent: Agent = {
    id: 7,
    clientId: 70,
    programId: 1,
    status: 'active',
    blockedReason: null,
    tier: 'bronze',
    rateBp: null,
    certification: null,
    paidOrders: 0,
    createdAt: 0,
    slug: null,
    slugStatus: null,
    referralCode: null,
  };
  const invoice = {
    id: 9,
    client_id: 90,
    currency: 'KES',
    status: 'Paid' as const,
    total_minor: 500_000,
    date_paid: 1_000,
    paid_with: null,
    lines: [{ id: 91, description: 'PBX', amount_minor: 500_000, type: 'Hosting', product_id: null, category_id: null, category: 'Managed Subscriptions' }],
  };
  const recorded = (status: Commission['status']): Commission => ({
    id: 1,
    agentId: 7,
    programId: 1,
    clientId: 90,
    invoiceId: 9,
    invoiceLineId: 91,
    rule: 'auto',
    role: 'sales',
    tier: 'bronze',
    termsVersion: 1,
    base: minor(500_000),
    parts: [],
    amount: minor(25_000),
    adjusted: minor(status === 'forfeited' ? 25_000 : 0),
    currency: 'KES',
    status,
    reason: null,
    createdAt: 1_000,
    availableAt: 0,
  });
  const facts = (over: Partial<InvoiceFacts>): InvoiceFacts => ({
    invoice,
    paidAt: 1_000,
    recorded: [recorded('pending')],
    sales: { agent, tier: 'bronze', referral: null, paidOrdersBefore: 0 },
    performers: new Map(),
    refunds: [],
    bonusLines: new Set(),
    ...over,
  });
  const amounts = (f: InvoiceFacts) => replayInvoice(f, program, new Map(), new Map()).map((r) => r.amount);

  it('5 % of KES 5,000.00 is KES 250.00; with the month’s bonus line, KES 50.00 more', () => {
    expect(amounts(facts({}))).to.deep.equal([25_000]);
    expect(amounts(facts({ bonusLines: new Set(['7:91']) }))).to.deep.equal([25_000, 5_000]);
  });

  it('a refund of half the line takes half of each back: KES 125.00 and KES 25.00', () => {
    expect(amounts(facts({ bonusLines: new Set(['7:91']), refunds: [{ amount: minor(250_000), lineIds: [91] }] }))).to.deep.equal([12_500, 2_500]);
  });

  it('what the agent forfeited (a failed probation) is forfeited under the new terms too', () => {
    expect(amounts(facts({ recorded: [recorded('forfeited')] }))).to.deep.equal([0]);
  });
});
