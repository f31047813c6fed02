import { expect } from 'chai';
import { DateTime } from 'luxon';
import { onEachDatabase } from './support/databases';
import { defined } from './support/defined';
import { Scenario, verifyAfterEach } from './support/scenario';
import { viewHelpers } from '../module/http/render';
import type { Program } from '../module/programs/program-service';
import { MemoryLogger } from '../module/core/logger';
import { dailyCronJob } from '../hooks/daily-cron-job';
import { availableFrom } from '../module/commissions/hold';

/**
 * A hold counts calendar days in the program's time zone: a commission paid on day D is
 * available from 00:00 of day D + hold days there, whatever the hour it was paid, and the daily
 * cron releases it that day before it pays anything out.
 */
const managed = (amount: number) => ({ amount, category: 'Managed Subscriptions' });
/** The daily cron's own handler (releases, then scheduled payouts), run on the scenario's services. */
const cron = (s: Scenario) => dailyCronJob({ logger: new MemoryLogger(), state: { active: true } }, s.services.releases, s.services.withdrawals)({});
const nairobi = (iso: string) => DateTime.fromISO(iso, { zone: 'Africa/Nairobi' }).toMillis();

onEachDatabase('Cloud One: a 45-day hold ends at the start of a day in Nairobi', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start(); // 12:00 in Nairobi
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
  });
  verifyAfterEach(() => s);

  it('KES 250.00 paid at 12:00 on 2 March is available from 00:00 on 16 April (day 45), the date the agent’s page shows, and the cron at 00:05 that day releases it', async () => {
    const agent = await s.agent(program, { tier: 'bronze' });
    const client = await s.referredClient(agent);
    const { invoiceId } = await s.pays(client, [managed(500_000)]);
    const c = defined((await s.services.commissions.forInvoice(invoiceId))[0], `a commission on invoice ${invoiceId}`);
    expect(c.availableAt).to.equal(nairobi('2026-04-16T00:00:00'));
    expect(viewHelpers('english', '').date(c.availableAt, program.timezone)).to.equal('2026-04-16');

    s.clock.set(nairobi('2026-04-15T23:55:00')); // the last cron run of day 44 keeps it
    await cron(s);
    expect(await s.balances(agent)).to.deep.equal({ pending: 25_000, available: 0, reserved: 0, withdrawn: 0 });
    s.clock.set(nairobi('2026-04-16T00:05:00'));
    await cron(s);
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 25_000, reserved: 0, withdrawn: 0 });
  });

  it('an admin’s KES 1,000.00 manual commission added at 01:30 on 3 March in Nairobi (22:30 UTC on 2 March) is available from 00:00 on 17 April: the day counted is Nairobi’s', async () => {
    s.clock.set(nairobi('2026-03-03T01:30:00'));
    const agent = await s.agent(program);
    const c = await s.services.manualCommissions.addManual(agent, '1000.00', 'custom integration', 'early-morning');
    // Counted from UTC's day (2 March) it would end on 16 April.
    expect([c.amount, c.availableAt]).to.deep.equal([100_000, nairobi('2026-04-17T00:00:00')]);
  });
});

onEachDatabase('CloudSigma: a hold that ends on a payout day is in that day’s payout', ({ current }) => {
  let s: Scenario;
  let program: Program;

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T11:00:00Z').start(); // 12:00 in Zurich
    program = await s.program('cloudsigma.yaml');
  });
  verifyAfterEach(() => s);

  it('USD 100.00 (20 % of USD 500.00) paid at 12:00 on 2 March ends its 30 days on 1 April and is paid by the cron at 09:00 on 1 April, not on 1 July', async () => {
    const partner = await s.agent(program, { ratePercentBp: 2000 });
    const { invoiceId } = await s.pays(await s.referredClient(partner), [{ amount: 50_000 }]);
    const c = defined((await s.services.commissions.forInvoice(invoiceId))[0], `a commission on invoice ${invoiceId}`);
    expect(c.availableAt).to.equal(DateTime.fromISO('2026-04-01T00:00:00', { zone: 'Europe/Zurich' }).toMillis());

    s.clock.set('2026-04-01T07:00:00Z'); // 09:00 in Zurich (summer time)
    await cron(s);
    expect(await s.withdrawalsOf(partner)).to.deep.equal([[10_000, 'requested']]);
    expect(await s.balances(partner)).to.deep.equal({ pending: 0, available: 0, reserved: 10_000, withdrawn: 0 });
  });
});

describe('a hold in a zone whose midnight summer time skips (Chile, first Sunday of September)', () => {
  const santiago = { timezone: 'America/Santiago', holdDays: 30 };

  it('paid at 12:00 on 6 September 2026 (the day begins at 01:00, -03:00): available from 00:00 on 6 October (-03:00, 03:00 UTC), not 01:00', () => {
    // 12:00 -03:00 on 6 September is 15:00 UTC; 30 days on is 6 October, whose 00:00 is -03:00 too.
    expect(availableFrom(Date.parse('2026-09-06T15:00:00Z'), santiago)).to.equal(Date.parse('2026-10-06T03:00:00Z'));
  });

  it('paid at 12:00 on 7 August 2026 (-04:00): the hold ends on 6 September at 01:00 -03:00 (04:00 UTC), that day’s first instant', () => {
    expect(availableFrom(Date.parse('2026-08-07T16:00:00Z'), santiago)).to.equal(Date.parse('2026-09-06T04:00:00Z'));
  });
});
