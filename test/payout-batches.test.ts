import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { Scenario, expectRuleError, verifyAfterEach } from './support/scenario';
import { MethodsDouble, batchService, fund, lockstep } from './support/payout-batches';
import { connect } from '../module/db/connection';
import { T } from '../module/db/tables';
import { HOUSE } from '../module/ledger/accounts';
import type { Program } from '../module/programs/program-service';
import type { PayoutBatchService } from '../module/payouts/batches';

const FIXTURES = path.resolve(__dirname, 'fixtures/payouts');

/** USD, paid on request, 10 % withholding: every figure below is worked out from these. */
const PROGRAM = {
  slug: 'batches',
  name: 'Batch Test Program',
  terms_version: 1,
  currency: 'USD',
  timezone: 'UTC',
  cookie_days: 90,
  attribution: 'last_click',
  hold_days: 30,
  withholding_tax_bp: 1000,
  rules: [{ id: 'affiliate-commission', rate_bp: 1000, recurrence: 'lifetime' }],
  payout: { thresholds: { USD: '50.00' }, schedule: 'on_request', methods: ['bank', 'paypal', 'mpesa', 'credit'] },
};

const endOf = (day: string) => Date.parse(`${day}T23:59:59.999Z`);

/** The agent's withdrawals as [amount, status, tax]. */
async function withdrawals(s: Scenario, agentId: number): Promise<[number, string, number][]> {
  const rows = await s.db(T.withdrawals).where({ agent_id: agentId }).orderBy('id');
  return rows.map((r) => [Number(r.amount_minor), String(r.status), Number(r.tax_minor)]);
}

async function houseTax(s: Scenario): Promise<number> {
  return (await s.services.ledger.balances(HOUSE, 'USD')).withholding_tax;
}

onEachDatabase('Payout batches: due, create, exclude, approve, the bank file, paid and failed', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let svc: PayoutBatchService;
  const methods = new MethodsDouble();
  const ag: Record<string, number> = {};
  const wd: Record<string, number> = {};

  before(async () => {
    s = await new Scenario(current().db, '2026-05-01T09:00:00Z').start();
    program = await s.program(PROGRAM);
    svc = batchService(s, methods);
    // a's account holder is a formula (a spreadsheet must show it as text); b's name has a comma.
    const people: [string, number, string][] = [
      ['a', 10_000, '100.00'],
      ['b', 25_050, '250.50'],
      ['x', 7_000, '70.00'],
      ['g', 6_000, '60.00'],
    ];
    for (const [name, amount, text] of people) {
      ag[name] = await s.agent(program);
      await fund(s, ag[name], amount, 'USD');
      wd[name] = (await s.withdraw(ag[name], text)).id;
    }
    methods.byAgent.set(ag.a!, { kind: 'bank', holder: '=HYPERLINK("http://x")', iban: 'DE89370400440532013000', accountNumber: null, bankCode: null });
    methods.byAgent.set(ag.b!, { kind: 'bank', holder: 'Beta Traders, Ltd', iban: null, accountNumber: '12345678', bankCode: '040004' });
    methods.byAgent.set(ag.x!, { kind: 'bank', holder: 'Xavier Ochieng', iban: 'GB33BUKB20201555555555', accountNumber: null, bankCode: null });
    // c asks two days later, after the first cut-off.
    s.clock.set('2026-05-03T09:00:00Z');
    ag.c = await s.agent(program);
    await fund(s, ag.c, 8_000, 'USD');
    wd.c = (await s.withdraw(ag.c, '80.00')).id;
    methods.byAgent.set(ag.c, { kind: 'bank', holder: 'Carol Wanjiru', iban: 'NL91ABNA0417164300', accountNumber: null, bankCode: null });
  });
  verifyAfterEach(() => s);

  it('due up to 2 May: the bank group holds a, b and x (USD 420.50), g has no method; c, who asked on 3 May, waits', async () => {
    const due = await svc.due(endOf('2026-05-02'));
    expect(due.map((g) => [g.programName, g.currency, g.method, g.lines.map((l) => l.withdrawalId), g.total])).to.deep.equal([
      ['Batch Test Program', 'USD', 'bank', [wd.a, wd.b, wd.x], 42_050],
      ['Batch Test Program', 'USD', null, [wd.g], 6_000],
    ]);
    const later = await svc.due(endOf('2026-05-03'));
    expect(later[0]!.lines.map((l) => l.withdrawalId)).to.deep.equal([wd.a, wd.b, wd.x, wd.c]);
  });

  it('a bank batch up to 2 May takes a, b and x, each with gross, 10 % tax and net; no money moves yet', async () => {
    const made = await svc.create({ programId: program.id, currency: 'USD', method: 'bank', cutOff: endOf('2026-05-02') }, 7);
    expect([made.batch.id, made.batch.status, made.batch.payCurrency, made.taken, made.skipped]).to.deep.equal([1, 'draft', 'USD', 3, []]);
    const view = (await svc.view(1))!;
    expect(view.lines.map((l) => [l.id, l.agentId, l.gross, l.tax, l.net, l.payCurrency, l.rate, l.pay, l.status])).to.deep.equal([
      [1, ag.a, 10_000, 1_000, 9_000, 'USD', null, 9_000, 'included'],
      [2, ag.b, 25_050, 2_505, 22_545, 'USD', null, 22_545, 'included'],
      [3, ag.x, 7_000, 700, 6_300, 'USD', null, 6_300, 'included'],
    ]);
    expect(view.totals).to.deep.equal({ lines: 3, gross: 42_050, tax: 4_205, net: 37_845 });
    expect(await withdrawals(s, ag.a!)).to.deep.equal([[10_000, 'in_batch', 1_000]]);
    expect(await s.balances(ag.a!)).to.deep.equal({ pending: 0, available: 0, reserved: 10_000, withdrawn: 0 });
    expect((await svc.due(endOf('2026-05-02'))).map((g) => g.method)).to.deep.equal([null]);
  });

  it('refuses what cannot be: nothing left due, another currency, an unknown method or program, a currency the method cannot pay, no rate, paying or exporting a draft, no reason', async () => {
    const base = { programId: program.id, currency: 'USD', cutOff: endOf('2026-05-02') };
    await expectRuleError(svc.create({ ...base, method: 'bank' }, 7), 'method', /Nothing is due for Bank transfer/);
    await expectRuleError(svc.create({ ...base, currency: 'EUR', method: 'bank' }, 7), 'currency', /pays in USD/);
    await expectRuleError(svc.create({ ...base, method: 'cheque' }, 7), 'method');
    await expectRuleError(svc.create({ ...base, programId: 9999, method: 'bank' }, 7), 'program_id');
    await expectRuleError(svc.create({ ...base, method: 'paypal', payCurrency: 'KES' }, 7), 'pay_currency', /PayPal cannot pay in KES/);
    await expectRuleError(svc.create({ ...base, method: 'mpesa', payCurrency: 'USD' }, 7), 'pay_currency', /M-Pesa cannot pay in USD/);
    await expectRuleError(svc.create({ ...base, method: 'mpesa' }, 7), 'pay_currency', /no exchange rate from USD to KES/);
    await expectRuleError(svc.create({ ...base, method: 'credit', payCurrency: 'EUR' }, 7), 'pay_currency');
    await expectRuleError(svc.markPaid(1, 'REF', 7), 'batch_id', /Batch 1 is draft/);
    await expectRuleError(svc.markFailed(1, 'bounced', 7), 'batch_id', /Batch 1 is draft/);
    await expectRuleError(svc.exportFile(1), 'batch_id', /Approve batch 1/);
    await expectRuleError(svc.exclude(1, 3, '   ', 7), 'reason');
    await expectRuleError(svc.markPaid(99, 'REF', 7), 'batch_id', /no payout batch 99/);
    // Paid on its own, or cancelled by the agent, while it is in the batch: refused.
    await expectRuleError(s.services.withdrawals.markPaid(wd.a!, 7));
    await expectRuleError(s.services.withdrawalEnding.cancelOwn(ag.a!, wd.a!));
    expect(await withdrawals(s, ag.a!)).to.deep.equal([[10_000, 'in_batch', 1_000]]);
  });

  it('x excluded with a reason: the line keeps it, the withdrawal is due again; excluding it twice is refused', async () => {
    const line = await svc.exclude(1, 3, 'bank details being checked', 7);
    expect([line.status, line.reason]).to.deep.equal(['excluded', 'bank details being checked']);
    expect(await withdrawals(s, ag.x!)).to.deep.equal([[7_000, 'requested', 700]]);
    expect((await svc.due(endOf('2026-05-02')))[0]!.lines.map((l) => l.withdrawalId)).to.deep.equal([wd.x]);
    await expectRuleError(svc.exclude(1, 3, 'again', 7), 'line_id');
    expect((await svc.view(1))!.totals).to.deep.equal({ lines: 2, gross: 35_050, tax: 3_505, net: 31_545 });
  });

  it('approved once: approving again, or excluding after approval, is refused', async () => {
    const { batch } = await svc.approve(1, 8);
    expect([batch.status, batch.approvedBy]).to.deep.equal(['approved', 8]);
    await expectRuleError(svc.approve(1, 8), 'batch_id', /is approved/);
    await expectRuleError(svc.exclude(1, 1, 'late', 7), 'batch_id', /is approved/);
  });

  it('the bank file is the hand-written one, byte for byte (the formula holder as text, the comma quoted, CRLF)', async () => {
    const file = await svc.exportFile(1);
    expect([file.filename, file.contentType]).to.deep.equal(['payout-batch-1-bank.csv', 'text/csv; charset=utf-8']);
    expect(Buffer.from(file.body, 'utf8').equals(fs.readFileSync(path.join(FIXTURES, 'bank.csv')))).to.equal(true, file.body);
  });

  it('line 1 paid with the bank reference: a withdraws USD 90.00 net, the house keeps USD 10.00 tax; paying it again does nothing', async () => {
    const taxBefore = await houseTax(s);
    expect(await svc.markPaid(1, 'BANK-REF-1', 8, [1])).to.deep.equal({ done: 1, skipped: 0 });
    expect(await s.balances(ag.a!)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 9_000 });
    expect((await houseTax(s)) - taxBefore).to.equal(1_000);
    expect(await withdrawals(s, ag.a!)).to.deep.equal([[10_000, 'paid', 1_000]]);
    expect(await svc.markPaid(1, 'BANK-REF-9', 8, [1])).to.deep.equal({ done: 0, skipped: 1 });
    expect((await svc.view(1))!.batch.status).to.equal('approved');
    await expectRuleError(svc.markPaid(1, '', 8), 'reference');
    await expectRuleError(svc.markPaid(1, 'REF', 8, [3, 99]), 'line_id');
  });

  it('the rest of the batch paid: b withdraws USD 225.45; the batch closes, and nothing more can be marked', async () => {
    expect(await svc.markPaid(1, 'BANK-REF-2', 8)).to.deep.equal({ done: 1, skipped: 0 });
    expect(await s.balances(ag.b!)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 22_545 });
    const view = (await svc.view(1))!;
    expect([view.batch.status, view.lines.map((l) => [l.status, l.reference])]).to.deep.equal([
      'closed',
      [
        ['paid', 'BANK-REF-1'],
        ['paid', 'BANK-REF-2'],
        ['excluded', null],
      ],
    ]);
    await expectRuleError(svc.markPaid(1, 'REF', 8), 'batch_id', /is closed/);
    // One pay transaction each, under the same key a withdrawal paid on its own would have.
    const pays = await s.db(T.txns).whereIn('withdrawal_id', [wd.a!, wd.b!]).where({ kind: 'pay' }).orderBy('id');
    expect(pays.map((t) => String(t.idem_key))).to.deep.equal([`pay:${wd.a}`, `pay:${wd.b}`]);
  });

  it('a second batch up to 3 May (x and c); c’s payment fails: USD 80.00 back to available, c is e-mailed; x paid; c may ask again', async () => {
    const made = await svc.create({ programId: program.id, currency: 'USD', method: 'bank', cutOff: endOf('2026-05-03') }, 7);
    expect([made.batch.id, made.taken]).to.deep.equal([2, 2]);
    await svc.approve(2, 8);
    const lines = (await svc.view(2))!.lines;
    const cLine = lines.find((l) => l.agentId === ag.c)!;
    await expectRuleError(svc.markFailed(2, ' ', 8, [cLine.id]), 'reason');
    const mails = s.host.emails.length;
    expect(await svc.markFailed(2, 'the account is closed', 8, [cLine.id])).to.deep.equal({ done: 1, skipped: 0 });
    expect(await s.balances(ag.c!)).to.deep.equal({ pending: 0, available: 8_000, reserved: 0, withdrawn: 0 });
    expect(await withdrawals(s, ag.c!)).to.deep.equal([[8_000, 'failed', 800]]);
    const mail = s.host.emails.slice(mails);
    expect(mail.map((m) => [m.to, m.subject])).to.deep.equal([[(await s.host.getClient((await s.services.agents.get(ag.c!))!.clientId))!.email, 'Your payout of USD\u00a080.00 could not be made']]);
    expect(mail[0]!.text).to.contain('the account is closed');
    expect(await svc.markPaid(2, 'BANK-REF-3', 8)).to.deep.equal({ done: 1, skipped: 0 });
    expect(await s.balances(ag.x!)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 6_300 });
    expect((await svc.view(2))!.batch.status).to.equal('closed');
    await s.withdraw(ag.c!, '80.00');
    expect(await s.balances(ag.c!)).to.deep.equal({ pending: 0, available: 0, reserved: 8_000, withdrawn: 0 });
  });
});

onEachDatabase('Payout batches: the PayPal and M-Pesa files, converted, and credit to account', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let svc: PayoutBatchService;
  const methods = new MethodsDouble();
  const ag: Record<string, number> = {};
  const wd: Record<string, number> = {};

  before(async () => {
    s = await new Scenario(current().db, '2026-06-01T09:00:00Z').start();
    program = await s.program(PROGRAM);
    svc = batchService(s, methods);
    s.host.rates.set('USD>EUR', '0.9150');
    s.host.rates.set('USD>KES', '129.50');
    const people: [string, number, string][] = [
      ['p1', 12_000, '120.00'],
      ['p2', 5_000, '50.00'],
      ['m1', 10_000, '100.00'],
      ['m2', 10_001, '100.01'],
      ['e', 6_000, '60.00'],
    ];
    for (const [name, amount, text] of people) {
      ag[name] = await s.agent(program);
      await fund(s, ag[name], amount, 'USD');
      wd[name] = (await s.withdraw(ag[name], text)).id;
    }
    methods.byAgent.set(ag.p1!, { kind: 'paypal', email: 'p1@example.com' });
    methods.byAgent.set(ag.p2!, { kind: 'paypal', email: '+cmd@example.com' });
    methods.byAgent.set(ag.m1!, { kind: 'mpesa', phone: '+254712345678' });
    methods.byAgent.set(ag.m2!, { kind: 'mpesa', phone: '+254722000111' });
    methods.byAgent.set(ag.e!, { kind: 'credit' });
    // e's client account in the billing platform is kept in euros.
    s.host.clients.get((await s.services.agents.get(ag.e!))!.clientId)!.currency = 'EUR';
  });
  verifyAfterEach(() => s);

  it('PayPal in EUR at 0.9150: USD 108.00 net is EUR 98.82, USD 45.00 is EUR 41.18 (41.175 rounded half away); the file is the hand-written one', async () => {
    const made = await svc.create({ programId: program.id, currency: 'USD', method: 'paypal', cutOff: endOf('2026-06-01'), payCurrency: 'EUR' }, 7);
    expect([made.batch.id, made.batch.payCurrency, made.taken]).to.deep.equal([1, 'EUR', 2]);
    const view = (await svc.view(1))!;
    expect(view.lines.map((l) => [l.gross, l.tax, l.net, l.payCurrency, l.rate, l.pay])).to.deep.equal([
      [12_000, 1_200, 10_800, 'EUR', '0.9150', 9_882],
      [5_000, 500, 4_500, 'EUR', '0.9150', 4_118],
    ]);
    await svc.approve(1, 8);
    const file = await svc.exportFile(1);
    expect(file.filename).to.equal('payout-batch-1-paypal.csv');
    expect(Buffer.from(file.body, 'utf8').equals(fs.readFileSync(path.join(FIXTURES, 'paypal.csv')))).to.equal(true, file.body);
    expect(await svc.markPaid(1, 'PAYPAL-BATCH-77', 8)).to.deep.equal({ done: 2, skipped: 0 });
    expect(await s.balances(ag.p1!)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 10_800 });
  });

  it('M-Pesa in KES at 129.50: USD 90.00 net is KES 11,655.00; USD 90.01 would be KES 11,656.30, which M-Pesa cannot pay, so it stays due', async () => {
    const made = await svc.create({ programId: program.id, currency: 'USD', method: 'mpesa', cutOff: endOf('2026-06-01') }, 7);
    expect([made.batch.id, made.batch.payCurrency, made.taken, made.skipped.map((k) => k.withdrawalId)]).to.deep.equal([2, 'KES', 1, [wd.m2]]);
    expect(made.skipped[0]!.reason).to.match(/whole shillings, and KES.11,656\.30 has cents/);
    const [line] = (await svc.view(2))!.lines;
    expect([line!.net, line!.rate, line!.pay, line!.payCurrency]).to.deep.equal([9_000, '129.50', 1_165_500, 'KES']);
    expect(await withdrawals(s, ag.m2!)).to.deep.equal([[10_001, 'requested', 1_000]]);
    await svc.approve(2, 8);
    const file = await svc.exportFile(2);
    expect(file.filename).to.equal('payout-batch-2-mpesa.csv');
    expect(Buffer.from(file.body, 'utf8').equals(fs.readFileSync(path.join(FIXTURES, 'mpesa.csv')))).to.equal(true, file.body);
  });

  it('a file needs the method the batch was made for: an agent who moved to PayPal meanwhile is named', async () => {
    methods.byAgent.set(ag.m1!, { kind: 'paypal', email: 'm1@example.com' });
    await expectRuleError(svc.exportFile(2), 'batch_id', /line 3 is no longer paid by M-Pesa/);
    methods.byAgent.set(ag.m1!, { kind: 'mpesa', phone: '+254712345678' });
  });

  it('credit to account in the client’s EUR: approving credits EUR 49.41 (USD 54.00 net) once, under the withdrawal’s key; no file', async () => {
    const made = await svc.create({ programId: program.id, currency: 'USD', method: 'credit', cutOff: endOf('2026-06-01') }, 7);
    expect([made.batch.id, made.batch.payCurrency, made.taken]).to.deep.equal([3, null, 1]);
    const { batch, credited } = await svc.approve(3, 8);
    expect([batch.status, credited]).to.deep.equal(['closed', 1]);
    const credit = s.host.credits.get(`agenttools-payout-${wd.e}`)!;
    expect([credit.amount_minor, credit.currency, s.host.credits.size]).to.deep.equal([4_941, 'EUR', 1]);
    expect(await s.balances(ag.e!)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 5_400 });
    await expectRuleError(svc.approve(3, 8), 'batch_id', /is closed/);
    await expectRuleError(svc.exportFile(3), 'batch_id', /no file/);
    await expectRuleError(svc.markPaid(3, 'REF', 8), 'batch_id');
  });
});

onEachDatabase('Payout batches: two admins on two nodes mark one batch paid at once → each line paid once', ({ current }) => {
  let s: Scenario;
  let second: Knex;

  before(async () => {
    s = await new Scenario(current().db, '2026-07-01T09:00:00Z').start();
    // Two pools on MariaDB, as two app nodes have; SQLite is one file on one machine, so there
    // the two admins share the node's pool (and its one writer).
    second = current().kind === 'mariadb' ? connect(current().url) : s.db;
  });
  verifyAfterEach(() => s);
  after(async () => {
    if (second !== s.db) await second.destroy();
  });

  it('five lines, two nodes in lockstep line by line: five pay transactions, every agent USD 90.00 withdrawn, each line with one of the two references', async () => {
    const program = await s.program(PROGRAM);
    const methods = new MethodsDouble();
    const agents: number[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await s.agent(program);
      await fund(s, a, 10_000, 'USD');
      await s.withdraw(a, '100.00');
      methods.byAgent.set(a, { kind: 'bank', holder: `Agent ${i}`, iban: null, accountNumber: `0000${i}`, bankCode: '01' });
      agents.push(a);
    }
    const one = batchService(s, methods);
    const two = batchService(s, methods, second);
    const { batch } = await one.create({ programId: program.id, currency: 'USD', method: 'bank', cutOff: endOf('2026-07-01') }, 7);
    await one.approve(batch.id, 7);
    const barrier = lockstep(2);
    const [a, b] = await Promise.all([one.markPaid(batch.id, 'REF-NODE-1', 7, null, barrier('one')), two.markPaid(batch.id, 'REF-NODE-2', 8, null, barrier('two'))]);
    expect(a.done + b.done).to.equal(5);
    expect(a.skipped + b.skipped).to.equal(5);
    const ids = (await s.db(T.withdrawals).whereIn('agent_id', agents).select('id')).map((r) => Number(r.id));
    expect(await s.db(T.txns).whereIn('withdrawal_id', ids).where({ kind: 'pay' }).count({ n: '*' }).first()).to.deep.include({ n: 5 });
    for (const agent of agents) expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 9_000 });
    const lines = await s.db(T.payoutLines).where({ batch_id: batch.id });
    expect(lines.every((l) => ['REF-NODE-1', 'REF-NODE-2'].includes(String(l.reference)) && l.status === 'paid')).to.equal(true);
    expect((await one.view(batch.id))!.batch.status).to.equal('closed');
  });
});
