import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { defined } from './support/defined';
import { Scenario, verifyAfterEach } from './support/scenario';
import type { Program } from '../module/programs/program-service';
import { T } from '../module/db/tables';
import { asRows, num } from '../module/db/columns';

const DAY = 86_400_000;

/**
 * The daily cron finds the host's payments and refunds whose hook a crash cut short, through
 * HostApi.invoicesChangedSince, and does their work once. The default program pays 10 %.
 */
onEachDatabase('reconciling host events the module never finished', ({ current }) => {
  let s: Scenario;
  let program: Program;
  // The log begins when its migration runs (now): the scenario runs after it.
  const migratedBefore = Date.now();

  before(async () => {
    s = await new Scenario(current().db, new Date(migratedBefore + DAY).toISOString()).start();
    program = defined(await s.services.programs.bySlug('default'), 'the default program');
  });
  verifyAfterEach(() => s);

  it('a payment whose InvoicePaid never ran earns at the next daily cron: USD 20.00 on USD 200.00; the one whose hook ran is not paid twice', async () => {
    const agent = await s.agent(program);
    const client = await s.referredClient(agent);
    const delivered = await s.pays(client, [{ amount: 10_000 }]);
    // The host recorded this payment, and the process died before InvoicePaid ran.
    s.host.addPaidInvoice(900, client, [20_000], s.clock.now());
    expect(await s.commissionsOf(900)).to.deep.equal([]);

    await s.daysPass(1);
    expect(await s.commissionsOf(delivered.invoiceId)).to.deep.equal([[agent, 1_000, 'pending']]);
    expect(await s.commissionsOf(900)).to.deep.equal([[agent, 2_000, 'pending']]);
    expect((await s.balances(agent)).pending).to.equal(3_000);

    // The next day's cron, and a late InvoicePaid for it, change nothing.
    await s.daysPass(1);
    await s.fire('InvoicePaid', { invoiceid: 900 });
    expect(await s.commissionsOf(900)).to.deep.equal([[agent, 2_000, 'pending']]);
    expect((await s.balances(agent)).pending).to.equal(3_000);
  });

  it('a refund whose InvoiceRefunded never ran is taken back at the next cron: USD 50.00 of USD 100.00 voids USD 5.00 of USD 10.00, once', async () => {
    const agent = await s.agent(program);
    const client = await s.referredClient(agent);
    const { invoiceId } = await s.pays(client, [{ amount: 10_000 }]);
    s.host.refunds.set(invoiceId, [{ refund_id: 'r-7', amount_minor: 5_000, line_ids: null, refunded_at: s.clock.now() }]);

    await s.daysPass(1);
    expect((await s.balances(agent)).pending).to.equal(500);
    // The hook arrives after all, with the host's refund id: the same refund, not a second one.
    await s.refund(invoiceId, 5_000, 'r-7');
    await s.daysPass(1);
    expect((await s.balances(agent)).pending).to.equal(500);
  });

  it('an InvoicePaid that earned and died before its record: the cron writes the record and pays nobody new, though the client was reassigned since', async () => {
    const first = await s.agent(program);
    const second = await s.agent(program);
    const client = await s.referredClient(first);
    s.host.addPaidInvoice(902, client, [40_000], s.clock.now());
    // The hook's work committed (USD 40.00 on USD 400.00), then the process died before its record.
    await s.services.earnings.onInvoicePaid(902);
    await s.services.assignments.assign(client, second, 'admin', 'the account moved to the second agent');

    await s.daysPass(1);
    expect(await s.commissionsOf(902)).to.deep.equal([[first, 4_000, 'pending']]);
    expect((await s.balances(second)).pending).to.equal(0);
    // The record is there now: the next cron does not look at it again either.
    await s.daysPass(1);
    expect(await s.commissionsOf(902)).to.deep.equal([[first, 4_000, 'pending']]);
  });

  it('a whole refund the hook brought as its amount (USD 100.00) with no refund id, which the host lists as USD 100.00 of USD 100.00: one refund, counted once', async () => {
    const agent = await s.agent(program);
    const client = await s.referredClient(agent);
    const { invoiceId } = await s.pays(client, [{ amount: 10_000 }]);
    s.host.refunds.set(invoiceId, [{ refund_id: null, amount_minor: 10_000, line_ids: null, refunded_at: s.clock.now() }]);
    await s.refund(invoiceId, 10_000);
    expect((await s.balances(agent)).pending).to.equal(0);

    await s.daysPass(1);
    const refunds = asRows(await s.db(T.refunds).where({ invoice_id: invoiceId }).select('amount_minor'));
    expect(refunds.map((r) => num(r.amount_minor))).to.deep.equal([10_000]);
    expect((await s.balances(agent)).pending).to.equal(0);
  });

  it('an invoice paid before the log began is left alone: its hook was the old code’s to run', async () => {
    const agent = await s.agent(program);
    const client = await s.referredClient(agent);
    s.host.addPaidInvoice(901, client, [30_000], migratedBefore - DAY);
    await s.daysPass(1);
    expect(await s.commissionsOf(901)).to.deep.equal([]);
    expect((await s.balances(agent)).pending).to.equal(0);
  });
});
