import path from 'node:path';
import ejs from 'ejs';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario, verifyAfterEach } from './support/scenario';
import { MethodsDouble, batchService } from './support/payout-batches';
import { T } from '../module/db/tables';
import { paidAllocation } from '../module/commissions/paid-allocation';
import { viewHelpers } from '../module/http/render';
import type { Program } from '../module/programs/program-service';
import type { PayoutBatchService } from '../module/payouts/batches';

/** USD, 10 % of each invoice, 30 days' hold, paid on request from USD 5.00; `taxBp` withheld from each payout. */
const program = (slug: string, taxBp: number) => ({
  slug,
  name: `Paid history ${slug}`,
  terms_version: 1,
  currency: 'USD',
  timezone: 'UTC',
  cookie_days: 90,
  attribution: 'last_click',
  hold_days: 30,
  withholding_tax_bp: taxBp,
  rules: [{ id: 'affiliate-commission', rate_bp: 1000, recurrence: 'lifetime' }],
  payout: { thresholds: { USD: '5.00' }, schedule: 'on_request', methods: ['bank', 'credit'] },
});

/** Intl writes a no-break space between the currency code and the digits. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

onEachDatabase('what payouts paid of each commission: oldest released first', ({ current }) => {
  let s: Scenario;
  let untaxed: Program;
  let taxed: Program;
  let batches: PayoutBatchService;
  const methods = new MethodsDouble();

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    untaxed = await s.program(program('paid-history', 0));
    taxed = await s.program(program('paid-history-taxed', 1000));
    batches = batchService(s, methods);
  });
  verifyAfterEach(() => s);

  /** A client of the agent pays an invoice of ten times the amount: a commission of `amount` minor units. */
  async function earns(agentId: number, amount: number): Promise<{ id: number; invoiceId: number }> {
    const clientId = await s.signsUp();
    await s.services.assignments.assign(clientId, agentId, 'admin', 'test');
    const { invoiceId } = await s.pays(clientId, [{ amount: amount * 10 }]);
    const row = await s.db(T.commissions).where({ invoice_id: invoiceId }).first('id', 'amount_minor');
    expect(Number(row.amount_minor)).to.equal(amount);
    return { id: Number(row.id), invoiceId };
  }

  /** The agent's USD commissions as the replay sees them: [kind, amount, payout or take-back source]. */
  async function allocation(agentId: number): Promise<Record<number, [string, number, number | null][]>> {
    const out: Record<number, [string, number, number | null][]> = {};
    for (const [id, lines] of await paidAllocation(s.db, agentId, 'USD')) out[id] = lines.map((l) => [l.kind, l.amount, l.kind === 'paid' ? l.payoutId : l.from]);
    return out;
  }

  async function history(agentId: number, id: number): Promise<[string, number, number | null][]> {
    return (await s.services.commissions.history({ id, agentId })).map((l) => [l.kind, l.amount, l.payoutId ?? l.from ?? null]);
  }

  async function paid(agentId: number, amount: string): Promise<number> {
    const w = await s.withdraw(agentId, amount);
    await s.services.withdrawals.markPaid(w.id, 1);
    return w.id;
  }

  it('USD 10.00, 20.00, 30.00 released; a payout of 25.00 pays the first whole and 15.00 of the second; one of 35.00 the second’s last 5.00 and the third', async () => {
    const agent = await s.agent(untaxed);
    const [a, b, c] = [await earns(agent, 1000), await earns(agent, 2000), await earns(agent, 3000)];
    await s.daysPass(31);
    expect((await s.balances(agent)).available).to.equal(6000);
    const w1 = await paid(agent, '25.00');
    expect(await allocation(agent)).to.deep.equal({ [a.id]: [['paid', 1000, w1]], [b.id]: [['paid', 1500, w1]] });
    s.clock.advanceDays(3);
    const w2 = await paid(agent, '35.00');
    expect(await allocation(agent)).to.deep.equal({
      [a.id]: [['paid', 1000, w1]],
      [b.id]: [
        ['paid', 1500, w1],
        ['paid', 500, w2],
      ],
      [c.id]: [['paid', 3000, w2]],
    });
    // The second commission's page: earned, released, then split across the two payouts.
    expect(await history(agent, b.id)).to.deep.equal([
      ['earn', 2000, null],
      ['release', 2000, null],
      ['paid', 1500, w1],
      ['paid', 500, w2],
    ]);
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 6000 });
  });

  it('a requested payout pays nothing, nor a rejected or a cancelled one; the next paid one takes the oldest again', async () => {
    const agent = await s.agent(untaxed);
    const [a, b] = [await earns(agent, 1000), await earns(agent, 2000)];
    await s.daysPass(31);
    const requested = await s.withdraw(agent, '15.00');
    expect(await allocation(agent)).to.deep.equal({});
    await s.services.withdrawalEnding.reject(requested.id, 1, 'the bank details are wrong');
    expect(await allocation(agent)).to.deep.equal({});
    const mine = await s.withdraw(agent, '30.00');
    await s.services.withdrawalEnding.cancelOwn(agent, mine.id);
    expect(await allocation(agent)).to.deep.equal({});
    expect(await history(agent, a.id)).to.deep.equal([
      ['earn', 1000, null],
      ['release', 1000, null],
    ]);
    const w = await paid(agent, '12.00');
    expect(await allocation(agent)).to.deep.equal({ [a.id]: [['paid', 1000, w]], [b.id]: [['paid', 200, w]] });
  });

  it('a batch line the bank returned pays nothing; a paid one with 10 % tax pays the commissions gross (USD 30.00 + 10.00 of USD 40.00, USD 36.00 net)', async () => {
    const agent = await s.agent(taxed);
    methods.byAgent.set(agent, { kind: 'bank', holder: 'Paid History', iban: 'DE89370400440532013000', accountNumber: null, bankCode: null });
    const [a, b] = [await earns(agent, 3000), await earns(agent, 2000)];
    await s.daysPass(31);
    const failing = await s.withdraw(agent, '30.00');
    const first = (await batches.create({ programId: taxed.id, currency: 'USD', method: 'bank', cutOff: s.clock.now() }, 7)).batch.id;
    await batches.approve(first, 8);
    expect(await allocation(agent)).to.deep.equal({});
    await batches.markFailed(first, 'account closed', 8);
    expect(await allocation(agent)).to.deep.equal({});
    const w = await s.withdraw(agent, '40.00');
    const second = (await batches.create({ programId: taxed.id, currency: 'USD', method: 'bank', cutOff: s.clock.now() }, 7)).batch.id;
    await batches.approve(second, 8);
    await batches.markPaid(second, 'BANK-1', 8);
    expect(failing.id).to.not.equal(w.id);
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 1000, reserved: 0, withdrawn: 3600 });
    expect(await allocation(agent)).to.deep.equal({ [a.id]: [['paid', 3000, w.id]], [b.id]: [['paid', 1000, w.id]] });
    const [line] = (await paidAllocation(s.db, agent, 'USD')).get(a.id) ?? [];
    expect(line?.kind === 'paid' && line.taxWithheld).to.equal(true);
  });

  it('credit to account counts once the host has credited it, even before the request is marked paid', async () => {
    const agent = await s.agent(untaxed);
    const [a] = [await earns(agent, 2000)];
    await s.daysPass(31);
    const w = await s.withdraw(agent, '20.00');
    expect(await allocation(agent)).to.deep.equal({});
    // The host credits it (as a credit batch, or an admin crediting the single request, asks it to).
    const clientId = (await s.services.agents.get(agent))!.clientId;
    await s.services.creditPayouts.credit({ withdrawalId: w.id, clientId, amount: w.amount, currency: 'USD', description: 'payout' });
    expect(await allocation(agent)).to.deep.equal({ [a.id]: [['paid', 2000, w.id]] });
    // Marked paid afterwards: still once, now on the pay transaction.
    await s.services.withdrawals.markPaid(w.id, 1);
    expect(await allocation(agent)).to.deep.equal({ [a.id]: [['paid', 2000, w.id]] });
  });

  it('a commission refunded before it was paid is not paid: the payout of USD 20.00 pays the next one', async () => {
    const agent = await s.agent(untaxed);
    const [a, b] = [await earns(agent, 1000), await earns(agent, 2000)];
    await s.daysPass(31);
    await s.refund(a.invoiceId);
    expect((await s.balances(agent)).available).to.equal(2000);
    const w = await paid(agent, '20.00');
    expect(await allocation(agent)).to.deep.equal({ [b.id]: [['paid', 2000, w]] });
    expect(await history(agent, a.id)).to.deep.equal([
      ['earn', 1000, null],
      ['release', 1000, null],
      ['reverse', 1000, null],
    ]);
  });

  it('a commission refunded after it was paid stays paid; the USD 10.00 taken back is set against the next release, and the next payout pays the rest of it', async () => {
    const agent = await s.agent(untaxed);
    const a = await earns(agent, 1000);
    await s.daysPass(31);
    const w1 = await paid(agent, '10.00');
    await s.refund(a.invoiceId);
    expect((await s.balances(agent)).available).to.equal(-1000);
    const b = await earns(agent, 2000);
    await s.daysPass(31);
    expect((await s.balances(agent)).available).to.equal(1000);
    const w2 = await paid(agent, '10.00');
    expect(await history(agent, a.id)).to.deep.equal([
      ['earn', 1000, null],
      ['release', 1000, null],
      ['paid', 1000, w1],
      ['reverse', 1000, null],
    ]);
    expect(await history(agent, b.id)).to.deep.equal([
      ['earn', 2000, null],
      ['release', 2000, null],
      ['offset', 1000, a.id],
      ['paid', 1000, w2],
    ]);
  });

  it('a commission refunded while a request held it is paid by that request; the USD 10.00 taken back comes out of the next open one', async () => {
    const agent = await s.agent(untaxed);
    const [a, b] = [await earns(agent, 1000), await earns(agent, 2000)];
    await s.daysPass(31);
    const w1 = await s.withdraw(agent, '10.00');
    await s.refund(a.invoiceId);
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 1000, reserved: 1000, withdrawn: 0 });
    await s.services.withdrawals.markPaid(w1.id, 1);
    const w2 = await paid(agent, '10.00');
    expect(await allocation(agent)).to.deep.equal({
      [a.id]: [['paid', 1000, w1.id]],
      [b.id]: [
        ['offset', 1000, a.id],
        ['paid', 1000, w2],
      ],
    });
  });

  it('an agent blocked with a request waiting: nothing is paid; the request’s USD 15.00 and the USD 15.00 left are forfeited, oldest first', async () => {
    const agent = await s.agent(untaxed);
    const [a, b] = [await earns(agent, 1000), await earns(agent, 2000)];
    await s.daysPass(31);
    await s.withdraw(agent, '15.00');
    await s.services.forfeiture.block(agent, 'fraud', 'test');
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 0 });
    expect(await allocation(agent)).to.deep.equal({
      [a.id]: [['forfeit', 1000, null]],
      [b.id]: [
        ['forfeit', 500, null],
        ['forfeit', 1500, null],
      ],
    });
  });

  it('the commission page says which payout paid it, on which day, and that tax came out of the payout, not the commission', async () => {
    const agent = await s.agent(taxed);
    const a = await earns(agent, 2000);
    await s.daysPass(31);
    const w = await paid(agent, '20.00');
    const c = { ...(await s.services.commissions.get(a.id))!, source: null };
    const h = { ...viewHelpers('english', ''), explain: () => '' };
    const html = await ejs.renderFile(path.resolve(__dirname, '../templates/client/commission.ejs'), {
      h,
      c,
      history: await s.services.commissions.history(c),
      zone: 'UTC',
      programName: taxed.name,
      clientName: null,
      referralLink: null,
      backLink: '/',
    });
    const row = /data-testid="history-paid">([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
    const day = new Date(s.clock.now()).toISOString().slice(0, 10);
    expect(plain(row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')).trim()).to.equal(
      `${day} 09:00:00 Paid: USD 20.00 by payout #${w} on ${day} (in full: the tax was withheld from the payout, not from this commission) USD 20.00`,
    );
    // Without tax, and the two ways a take-back is set against it, as the event column reads them.
    const at = Date.parse('2026-06-01T12:00:00Z');
    const lines = [
      { at, kind: 'offset', amount: 500, from: 12 },
      { at, kind: 'offset', amount: 300, from: null },
      { at, kind: 'paid', amount: 1200, payoutId: 34, taxWithheld: false },
    ];
    const untaxedHtml = await ejs.renderFile(path.resolve(__dirname, '../templates/client/commission.ejs'), {
      h,
      c,
      history: lines,
      zone: 'Africa/Nairobi',
      programName: taxed.name,
      clientName: null,
      referralLink: null,
      backLink: '/',
    });
    const events = [...untaxedHtml.matchAll(/data-label="What happened">([^<]*)</g)].map((m) => plain(m[1] ?? ''));
    expect(events).to.deep.equal(['Set against money taken back from commission 12', 'Set against money taken back from your balance', 'Paid: USD 12.00 by payout #34 on 2026-06-01']);
  });
});
