import { viewHelpers } from '../../module/http/render';
import { expect } from 'chai';
import { onEachDatabase } from '../support/databases';
import { Scenario, verifyAfterEach } from '../support/scenario';
import type { Program } from '../../module/programs/program-service';

/**
 * CloudCodes levels over 25 months (December 2025 to January 2028), Asia/Kolkata (UTC+5:30):
 * qualified annually on 1 January; Premier asks for USD 1,000.00 of sales a month on average
 * (USD 12,000.00 a year) and the checklist; a partner whose year so far already reaches the whole
 * year's USD 12,000.00 is Premier from the 1st of the next month, is e-mailed, and keeps Premier
 * for the rest of that year and the whole next year (examples/programs/cloudcodes.json).
 * Reseller earns 15 %, Premier 30 %; held 30 days.
 */
async function until(s: Scenario, iso: string): Promise<void> {
  const end = Date.parse(iso);
  while (s.clock.now() + 86_400_000 <= end) await s.daysPass(1);
}

onEachDatabase('CloudCodes levels: the mid-year upgrade, kept through the next year, then the annual qualification', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let partner: number;
  let customer: number;
  const tierOf = async () => (await s.services.agents.get(partner))!.tier;
  const PREMIER_CHECKLIST = { google_apps_reseller: '1', sales_technical_team: '1', trained_sales_staff: '2', website_lists_product: '1', joint_business_plan: '1', joint_marketing: '1' };

  before(async () => {
    s = await new Scenario(current().db, '2025-12-10T09:00:00Z').start();
    s.defaultCurrency = 'USD';
    program = await s.program('cloudcodes.json');
    partner = await s.agent(program);
    customer = await s.referredClient(partner);
    const items = program.def.tiers.flatMap((t) => t.requirements?.checklist ?? []);
    await s.services.checklists.set(partner, items, PREMIER_CHECKLIST, 'admin:1');
  });
  verifyAfterEach(() => s);

  it('January to 10 June 2026 as a Reseller: USD 2,000.00 on the 10th of each month earns 15 %, USD 300.00; on 10 June the year’s sales reach 6 × 2,000.00 = USD 12,000.00', async () => {
    for (const month of ['01', '02', '03', '04', '05', '06']) {
      await until(s, `2026-${month}-10T09:00:00Z`);
      const paid = await s.pays(customer, [{ amount: 200_000 }]);
      expect(await s.commissionsOf(paid.invoiceId)).to.deep.equal([[partner, 30_000, 'pending']]);
    }
    expect(await tierOf()).to.equal('reseller');
    const b = await s.balances(partner);
    expect(b.pending + b.available).to.equal(180_000);
  });

  it('the next morning’s cron records Premier from 1 July, kept until 31 December 2027, and e-mails the partner; June’s later order still pays 15 %: USD 150.00 on USD 1,000.00', async () => {
    await s.daysPass(1); // 11 June
    expect(await tierOf()).to.equal('reseller');
    const [change] = await s.services.tierHistory.forAgent(partner);
    expect(change).to.deep.include({ fromTier: 'reseller', toTier: 'premier', effectiveOn: '2026-07-01', rule: 'mid_period_upgrade', period: '2026', keptUntil: '2027-12-31', appliedAt: null });
    expect(change!.figures).to.deep.include({ salesMinor: 1_200_000, months: 12 });
    const mail = s.host.emails.filter((m) => m.subject === 'CloudCodes Partner Levels: you are Premier now');
    expect(mail).to.have.length(1);
    expect(mail[0]!.text).to.contain('You are Premier from 2026-07-01').and.contain('You keep Premier at least until 2027-12-31.');
    const panel = (await s.services.tierView.forAgent((await s.services.agents.get(partner))!, program, viewHelpers('english', '')))!;
    expect([panel.tierName, panel.upcoming]).to.deep.equal(['Reseller', 'Premier: 1 July 2026']);
    await until(s, '2026-06-20T09:00:00Z');
    const june = await s.pays(customer, [{ amount: 100_000 }]);
    expect(await s.commissionsOf(june.invoiceId)).to.deep.equal([[partner, 15_000, 'pending']]);
  });

  it('an order paid at 00:30 on 1 July (Kolkata), before that day’s cron applies Premier, already pays 30 %: USD 300.00 on USD 1,000.00', async () => {
    await until(s, '2026-06-30T09:00:00Z');
    s.clock.set('2026-06-30T19:00:00Z'); // 00:30 on 1 July in Asia/Kolkata (UTC+05:30)
    expect(await tierOf()).to.equal('reseller');
    const early = await s.pays(customer, [{ amount: 100_000 }]);
    expect(await s.commissionsOf(early.invoiceId)).to.deep.equal([[partner, 30_000, 'pending']]);
  });

  it('from 1 July 2026 the partner is Premier: July’s USD 2,000.00 pays 30 %, USD 600.00', async () => {
    s.clock.set('2026-07-01T09:00:00Z');
    await s.daysPass(0); // 1 July's cron
    expect(await tierOf()).to.equal('premier');
    await until(s, '2026-07-10T09:00:00Z');
    const july = await s.pays(customer, [{ amount: 200_000 }]);
    expect(await s.commissionsOf(july.invoiceId)).to.deep.equal([[partner, 60_000, 'pending']]);
    expect((await s.services.tierHistory.forAgent(partner)).length).to.equal(1);
  });

  it('kept through 2027: the admin unticks joint marketing in November, yet on 1 January 2027 the partner stays Premier (kept until 2027-12-31), and February 2027’s USD 1,000.00 pays USD 300.00', async () => {
    await until(s, '2026-11-02T09:00:00Z');
    const items = program.def.tiers.flatMap((t) => t.requirements?.checklist ?? []);
    await s.services.checklists.set(partner, items, { ...PREMIER_CHECKLIST, joint_marketing: '' }, 'admin:2');
    await until(s, '2027-01-02T09:00:00Z');
    expect(await tierOf()).to.equal('premier');
    expect((await s.services.tierHistory.forAgent(partner)).length).to.equal(1);
    await until(s, '2027-02-10T09:00:00Z');
    const feb = await s.pays(customer, [{ amount: 100_000 }]);
    expect(await s.commissionsOf(feb.invoiceId)).to.deep.equal([[partner, 30_000, 'pending']]);
  });

  it('on 1 January 2028 the annual qualification of 2027 (USD 1,000.00, checklist incomplete) makes the partner a Reseller again: January 2028’s USD 1,000.00 pays USD 150.00; USD 3,300.00 earned in all', async () => {
    await until(s, '2028-01-01T09:00:00Z');
    expect(await tierOf()).to.equal('reseller');
    const [change] = await s.services.tierHistory.forAgent(partner);
    expect(change).to.deep.include({ fromTier: 'premier', toTier: 'reseller', effectiveOn: '2028-01-01', rule: 'evaluation', period: '2027' });
    expect(s.host.emails.filter((m) => m.subject === 'CloudCodes Partner Levels: your tier is Reseller from 2028-01-01')).to.have.length(1);
    await until(s, '2028-01-10T09:00:00Z');
    const jan = await s.pays(customer, [{ amount: 100_000 }]);
    expect(await s.commissionsOf(jan.invoiceId)).to.deep.equal([[partner, 15_000, 'pending']]);
    // 6 × 300.00 + 150.00 + 300.00 + 600.00 + 300.00 + 150.00 = USD 3,300.00; all but January 2028's released.
    expect(await s.balances(partner)).to.deep.equal({ pending: 15_000, available: 315_000, reserved: 0, withdrawn: 0 });
  });
});
