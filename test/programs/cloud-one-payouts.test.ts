import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from '../support/databases';
import { Scenario, verifyAfterEach } from '../support/scenario';
import { MethodsDouble, batchService } from '../support/payout-batches';
import type { Program } from '../../module/programs/program-service';
import type { PayoutBatchService } from '../../module/payouts/batches';
import { HOUSE } from '../../module/ledger/accounts';

const FIXTURE = path.resolve(__dirname, '../fixtures/payouts/cloud-one-mpesa.csv');

/**
 * Cloud One pays its Kenyan agents by M-Pesa, keeping back 5 % withholding tax: one agent earns
 * KES 20,000.00 on a KES 200,000.00 equipment sale (10 %), waits out the 45 days' hold, asks for
 * KES 20,000.00, and the admin pays it in a KES batch: gross KES 20,000.00, tax KES 1,000.00, net
 * KES 19,000.00, on the line, on the M-Pesa file and in the ledger. (The tax documents of the
 * same payout are checked below it: statement and certificate.)
 */
onEachDatabase('Cloud One: a KES batch by M-Pesa with 5 % withholding', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let agent: number;
  let batches: PayoutBatchService;
  let withdrawalId: number;
  const methods = new MethodsDouble();

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
    agent = await s.agent(program, { tier: 'bronze' });
    methods.byAgent.set(agent, { kind: 'mpesa', phone: '+254712345678' });
    // The program's withholding as the module decides it (module/tax): 5 % for an agent with no profile on file.
    batches = batchService(s, methods, s.db, s.services.withholding);
  });
  verifyAfterEach(() => s);

  it('KES 20,000.00 earned on KES 200,000.00 of equipment is available after the 45 days’ hold; the agent asks for all of it', async () => {
    const client = await s.referredClient(agent);
    await s.pays(client, [{ amount: 20_000_000, category: 'Software & Equipment' }]);
    // The release alone (not the whole daily cron, whose month close would add March's target bonus).
    s.clock.advanceDays(45);
    await s.services.releases.releaseDue();
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 2_000_000, reserved: 0, withdrawn: 0 });
    withdrawalId = (await s.withdraw(agent, '20000.00')).id;
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 0, reserved: 2_000_000, withdrawn: 0 });
  });

  it('it is due by M-Pesa in KES; the batch line keeps back 5 %: gross KES 20,000.00, tax KES 1,000.00, net KES 19,000.00, paid in KES with no conversion', async () => {
    const cutOff = s.clock.now();
    const due = await batches.due(cutOff);
    expect(due.map((g) => [g.programName, g.currency, g.method, g.total, g.lines.map((l) => l.withdrawalId)])).to.deep.equal([['Cloud One Agent Program', 'KES', 'mpesa', 2_000_000, [withdrawalId]]]);
    const made = await batches.create({ programId: program.id, currency: 'KES', method: 'mpesa', cutOff }, 1);
    expect([made.batch.id, made.batch.payCurrency, made.taken, made.skipped]).to.deep.equal([1, 'KES', 1, []]);
    const [line] = (await batches.view(1))!.lines;
    expect([line!.gross, line!.taxBp, line!.tax, line!.net, line!.payCurrency, line!.rate, line!.pay]).to.deep.equal([2_000_000, 500, 100_000, 1_900_000, 'KES', null, 1_900_000]);
  });

  it('approved, the M-Pesa file says 19000 shillings to 254712345678 with gross, tax and net in its remark, byte for byte', async () => {
    await batches.approve(1, 1);
    const file = await batches.exportFile(1);
    expect(file.filename).to.equal('payout-batch-1-mpesa.csv');
    expect(Buffer.from(file.body, 'utf8').equals(fs.readFileSync(FIXTURE))).to.equal(true, file.body);
  });

  it('marked paid with the M-Pesa receipt: KES 19,000.00 withdrawn, KES 1,000.00 withholding tax to the house, the batch closed', async () => {
    const houseBefore = (await s.services.ledger.balances(HOUSE, 'KES')).withholding_tax;
    expect(await batches.markPaid(1, 'MPESA-QX12AB34CD', 1)).to.deep.equal({ done: 1, skipped: 0 });
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 1_900_000 });
    expect((await s.services.ledger.balances(HOUSE, 'KES')).withholding_tax - houseBefore).to.equal(100_000);
    const w = (await s.services.withdrawals.get(withdrawalId))!;
    expect([w.status, w.amount, w.taxBp, w.tax]).to.deep.equal(['paid', 2_000_000, 500, 100_000]);
    expect((await batches.view(1))!.batch.status).to.equal('closed');
  });
});
