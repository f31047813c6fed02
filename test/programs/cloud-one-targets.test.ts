import { expect } from 'chai';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { onEachDatabase } from '../support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';
import { T, MIGRATIONS_TABLE } from '../../module/db/tables';
import { migrationSource } from '../../module/db/migrations';

/**
 * Cloud One's monthly target bonus, measured (issue #11 §2), over March 2026 in Nairobi.
 *
 * Tess is Titanium (target: KES 2,000,000.00 of paid sales and 5 new paying customers a month;
 * bonus 3 %) with an advanced technical certification. Her March, by hand:
 *   2 March   client A: training KES 12,000.00, sold and performed by her: 20 + 40 % = KES 7,200.00
 *             (month so far: KES 12,000.00, 1 new customer)
 *   10 March  clients B, C, D: equipment KES 500,000.00 each, 10 % = KES 50,000.00 each
 *             (KES 1,512,000.00, 4 new customers: not there yet)
 *   10 March  client E: equipment KES 500,000.00, KES 50,000.00: KES 2,012,000.00, 5 new: reached
 *   20 March  client A again: managed subscription KES 10,000.00, 5 % = KES 500.00 (A is not new)
 *   March: KES 2,022,000.00 of sales, 5 new customers: met. At the close (the cron of 1 April) every
 *   sale of the month earns 3 % more, those before the target was reached too:
 *     training KES 360.00 (KES 7,560.00 in all on KES 12,000.00: the 63 %), equipment KES 15,000.00
 *     four times (KES 60,000.00), the subscription KES 300.00: KES 60,660.00 of bonus lines.
 *   Pending before the close: 7,200.00 + 200,000.00 + 500.00 = KES 207,700.00; after: KES 268,360.00.
 * Bruno is Bronze (target KES 50,000.00 and 1 new customer; bonus 1 %): one client's KES 10,000.00
 * subscription in March (KES 500.00) misses it: no bonus, until an admin decides March was met.
 */
async function cloudOne(db: Knex): Promise<{ s: Scenario; program: Program }> {
  const s = await new Scenario(db, '2026-03-02T06:00:00Z').start(); // 09:00 on 2 March in Nairobi
  s.defaultCurrency = 'KES';
  return { s, program: await s.program('cloud-one.yaml') };
}

onEachDatabase('Cloud One: the target bonus across a month, measured', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let tess: number;
  let bruno: number;
  let clientA: number;
  const invoices: { training: number; equipment: number[]; managed: number; bruno: number } = { training: 0, equipment: [], managed: 0, bruno: 0 };

  before(async () => {
    ({ s, program } = await cloudOne(current().db));
    tess = await s.agent(program, { tier: 'titanium', certification: 'advanced' });
    bruno = await s.agent(program, { tier: 'bronze' });
  });
  verifyAfterEach(() => s);

  const pending = async (agent: number) => (await s.balances(agent)).pending;
  const bonusLines = async (agent: number) =>
    (await s.db(T.commissions).where({ agent_id: agent, role: 'target_bonus' }).orderBy('id')).map((r: { invoice_id: number; amount_minor: number; status: string }) => [
      Number(r.invoice_id),
      Number(r.amount_minor),
      r.status,
    ]);

  it('2 March: Tess sells and performs a KES 12,000.00 training: KES 7,200.00 (20 + 40 %) when paid, no bonus yet; the month so far is KES 12,000.00 and 1 new customer, short of the target', async () => {
    clientA = await s.referredClient(tess);
    const training = s.unpaid(clientA, [{ amount: 1_200_000, category: 'Training & Support' }]);
    await s.services.agents.recordPerformer(training.lineIds[0]!, tess);
    await training.pay();
    invoices.training = training.invoiceId;
    expect(await s.commissionsOf(training.invoiceId)).to.deep.equal([[tess, 720_000, 'pending']]);
    const so = await s.services.targets.result(tess, '2026-03');
    expect([so!.figures.sales, so!.figures.newCustomers, so!.met, so!.tier]).to.deep.equal([1_200_000, 1, false, 'titanium']);
  });

  it('10 March: three KES 500,000.00 equipment sales to new clients (KES 50,000.00 each) leave her at KES 1,512,000.00 and 4 new customers; the fourth reaches KES 2,012,000.00 and 5', async () => {
    s.clock.set('2026-03-10T07:00:00Z');
    for (let i = 0; i < 4; i++) {
      const client = await s.referredClient(tess);
      const sale = await s.pays(client, [{ amount: 50_000_000, category: 'Software & Equipment' }]);
      expect(await s.commissionsOf(sale.invoiceId)).to.deep.equal([[tess, 5_000_000, 'pending']]);
      invoices.equipment.push(sale.invoiceId);
      const so = await s.services.targets.result(tess, '2026-03');
      if (i === 2) expect([so!.figures.sales, so!.figures.newCustomers, so!.met]).to.deep.equal([151_200_000, 4, false]);
      if (i === 3) expect([so!.figures.sales, so!.figures.newCustomers, so!.met]).to.deep.equal([201_200_000, 5, true]);
    }
  });

  it('20 March: client A’s KES 10,000.00 subscription earns KES 500.00 (5 %) and is no new customer: KES 2,022,000.00 and 5; Bruno’s one KES 10,000.00 subscription earns KES 500.00', async () => {
    s.clock.set('2026-03-20T07:00:00Z');
    const managed = await s.pays(clientA, [{ amount: 1_000_000, category: 'Managed Subscriptions' }]);
    invoices.managed = managed.invoiceId;
    expect(await s.commissionsOf(managed.invoiceId)).to.deep.equal([[tess, 50_000, 'pending']]);
    const so = await s.services.targets.result(tess, '2026-03');
    expect([so!.figures.sales, so!.figures.newCustomers, so!.met]).to.deep.equal([202_200_000, 5, true]);

    const client = await s.referredClient(bruno);
    const sale = await s.pays(client, [{ amount: 1_000_000, category: 'Managed Subscriptions' }]);
    invoices.bruno = sale.invoiceId;
    expect(await s.commissionsOf(sale.invoiceId)).to.deep.equal([[bruno, 50_000, 'pending']]);
  });

  it('the cron of 31 March closes nothing: March has not ended in Nairobi (23:30); Tess has KES 207,700.00 pending', async () => {
    s.clock.set('2026-03-31T20:30:00Z');
    await s.fire('DailyCronJob', {});
    expect(await bonusLines(tess)).to.deep.equal([]);
    expect(await pending(tess)).to.equal(20_770_000);
  });

  it('the cron of 1 April closes March: every one of Tess’s March sales earns the 3 % bonus as a line of its own, those before the target was reached too: KES 60,660.00, KES 268,360.00 pending; the training totals KES 7,560.00 on KES 12,000.00 (63 %)', async () => {
    s.clock.set('2026-04-01T03:00:00Z'); // 06:00 on 1 April in Nairobi
    await s.fire('DailyCronJob', {});
    expect(await bonusLines(tess)).to.deep.equal([[invoices.training, 36_000, 'pending'], ...invoices.equipment.map((id) => [id, 1_500_000, 'pending']), [invoices.managed, 30_000, 'pending']]);
    expect(await pending(tess)).to.equal(26_836_000);
    const training = await s.services.commissions.forInvoice(invoices.training);
    expect(training.map((c) => [c.role, c.amount, c.parts.map((p) => [p.kind, p.bp])])).to.deep.equal([
      [
        'sales+technical',
        720_000,
        [
          ['sales', 2000],
          ['technical', 4000],
        ],
      ],
      ['target_bonus', 36_000, [['bonus', 300]]],
    ]);
    expect(training.reduce((sum, c) => sum + c.amount, 0)).to.equal(756_000);
    // The bonus line says why, and keeps the sale's date and hold.
    const [sale, bonus] = training;
    expect(bonus!.reason).to.equal('March 2026: targets met: sales KES\u00a02,022,000.00 (target KES\u00a02,000,000.00), 5 new customers (target 5)');
    expect([bonus!.createdAt, bonus!.availableAt]).to.deep.equal([sale!.createdAt, sale!.availableAt]);
    const month = await s.db(T.targetMonths).where({ agent_id: tess, month: '2026-03' }).first();
    expect([Number(month.sales_minor), Number(month.new_customers), Number(month.met), month.decided_by]).to.deep.equal([202_200_000, 5, 1, 'measured']);
  });

  it('Bruno missed Bronze’s target (KES 10,000.00 of KES 50,000.00; 1 new customer of 1): no bonus, KES 500.00 pending', async () => {
    expect(await bonusLines(bruno)).to.deep.equal([]);
    expect(await pending(bruno)).to.equal(50_000);
    const month = await s.db(T.targetMonths).where({ agent_id: bruno, month: '2026-03' }).first();
    expect([Number(month.sales_minor), Number(month.new_customers), Number(month.met)]).to.deep.equal([1_000_000, 1, 0]);
  });

  it('the cron run again the same day, and the next day, writes nothing more: each month closes once', async () => {
    const count = async () => Number((await s.db(T.commissions).count({ n: '*' }))[0]!.n);
    const before = await count();
    await s.fire('DailyCronJob', {});
    s.clock.set('2026-04-02T03:00:00Z');
    await s.fire('DailyCronJob', {});
    expect(await count()).to.equal(before);
    expect(await pending(tess)).to.equal(26_836_000);
    expect((await s.db(T.targetRuns).where({ month: '2026-03' })).length).to.equal(1);
  });

  it('a sale paid at 22:00 on 31 March whose InvoicePaid is worked out only on 3 April (a hook that ran late) earns KES 500.00 then, and its March bonus, KES 300.00, at that day’s cron', async () => {
    const client = await s.referredClient(tess);
    s.host.addInvoice(9001, client, [{ amount: 1_000_000, category: 'Managed Subscriptions' }], Date.parse('2026-03-31T19:00:00Z'), 'KES');
    s.clock.set('2026-04-03T03:00:00Z');
    await s.fire('InvoicePaid', { invoiceid: 9001 });
    expect(await s.commissionsOf(9001)).to.deep.equal([[tess, 50_000, 'pending']]);
    await s.fire('DailyCronJob', {});
    expect(await s.commissionsOf(9001)).to.deep.equal([
      [tess, 50_000, 'pending'],
      [tess, 30_000, 'pending'],
    ]);
    expect(await pending(tess)).to.equal(26_916_000);
  });

  it('an admin decides Bruno met March after all, with a reason: the 1 % bonus (KES 100.00) lands at once, and the log keeps who and why; without a reason nothing changes', async () => {
    await expectRuleError(s.services.targets.override(bruno, '2026-03', true, '  ', 'admin:1'), 'reason');
    await s.services.targets.override(bruno, '2026-03', true, 'a KES 60,000.00 order invoiced in April was signed in March', 'admin:1');
    expect(await bonusLines(bruno)).to.deep.equal([[invoices.bruno, 10_000, 'pending']]);
    expect(await pending(bruno)).to.equal(60_000);
    const log = await s.db(T.targetLog).where({ agent_id: bruno });
    expect(log.map((l: { month: string; met: number; reason: string; actor: string }) => [l.month, Number(l.met), l.reason, l.actor])).to.deep.equal([
      ['2026-03', 1, 'a KES 60,000.00 order invoiced in April was signed in March', 'admin:1'],
    ]);
    // Deciding it again changes nothing more.
    await s.services.targets.override(bruno, '2026-03', true, 'confirmed', 'admin:2');
    expect(await bonusLines(bruno)).to.deep.equal([[invoices.bruno, 10_000, 'pending']]);
  });

  it('and back to not met: the bonus line is voided (KES 500.00 pending again), the ledger says why', async () => {
    await s.services.targets.override(bruno, '2026-03', false, 'the April order fell through', 'admin:1');
    expect(await bonusLines(bruno)).to.deep.equal([[invoices.bruno, 10_000, 'voided']]);
    expect(await pending(bruno)).to.equal(50_000);
    const [undo] = await s.db(T.txns).where('idem_key', 'like', 'target-undo:%');
    expect([undo.kind, undo.memo]).to.deep.equal(['void', "target bonus 2026-03 withdrawn: March 2026: targets not met by an admin's decision (the April order fell through)"]);
  });

  it('16 April, 45 days after 2 March: the training and its bonus are released together, KES 7,560.00 available', async () => {
    s.clock.set('2026-04-16T03:00:00Z');
    await s.fire('DailyCronJob', {});
    expect((await s.commissionsOf(invoices.training)).map(([, amount, status]) => [amount, status])).to.deep.equal([
      [720_000, 'available'],
      [36_000, 'available'],
    ]);
    expect((await s.balances(tess)).available).to.equal(756_000);
  });
});

onEachDatabase('the 018 migration on data from before it', ({ current }) => {
  it('the months before the upgrade count as closed (the checkbox settled them), and the ticks already there become overrides of a month as met', async () => {
    const db = current().db;
    const config = { migrationSource, tableName: MIGRATIONS_TABLE };
    for (;;) {
      const [, pendingMigrations] = (await db.migrate.list(config)) as [unknown[], { file?: string }[] | string[]];
      const next = pendingMigrations[0];
      if (next === undefined || (typeof next === 'string' ? next : next.file) === '018-targets-and-probation') break;
      await db.migrate.up(config);
    }
    const created = Date.parse('2025-11-15T09:00:00Z');
    const [programId] = await db(T.programs).insert({ slug: 'old', name: 'Old', currency: 'KES', cookie_days: 30, attribution: 'last_click', current_version: 1, created_at: created });
    await db(T.programVersions).insert({ program_id: programId, version: 1, definition: JSON.stringify({ timezone: 'Africa/Nairobi' }), created_at: created });
    await db(T.targets).insert({ agent_id: 7, month: '2025-12' });
    await db.migrate.latest(config);
    const expected: string[] = [];
    const now = DateTime.now().setZone('Africa/Nairobi').startOf('month');
    for (let m = DateTime.fromMillis(created, { zone: 'Africa/Nairobi' }).startOf('month'); m < now; m = m.plus({ months: 1 })) expected.push(m.toFormat('yyyy-LL'));
    expect((await db(T.targetRuns).where({ program_id: programId }).orderBy('month')).map((r: { month: string }) => r.month)).to.deep.equal(expected);
    const [tick] = await db(T.targets).where({ agent_id: 7 });
    expect([tick.month, Number(tick.met)]).to.deep.equal(['2025-12', 1]);
  });
});
