import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from '../support/databases';
import { Scenario, verifyAfterEach } from '../support/scenario';
import { pdfText } from '../support/pdf-text';
import { tinyPdf } from '../support/tiny-pdf';
import type { Program } from '../../module/programs/program-service';
import { HOUSE } from '../../module/ledger/accounts';
import { T } from '../../module/db/tables';
import { minor } from '../../module/money/amount';
import { viewHelpers } from '../../module/http/render';

// The documents as an English reader gets them.
const EN = viewHelpers('english', '');

const FIXTURE = path.resolve(__dirname, '../fixtures/payouts/cloud-one-mpesa.csv');

/**
 * Cloud One pays its Kenyan agents by M-Pesa, keeping back 5 % withholding tax from residents of
 * Kenya. One scenario, through the module's own services end to end: an agent with a Kenyan tax
 * profile records an M-Pesa number (sealed at rest), earns KES 20,000.00 on a KES 200,000.00
 * equipment sale (10 %), waits out the 45 days' hold and asks for all of it; the admin gathers it
 * in a KES batch, approves it, exports the M-Pesa file and marks it paid with the M-Pesa receipt.
 * Gross KES 20,000.00, tax KES 1,000.00, net KES 19,000.00 on the batch line, the file, the
 * ledger, the agent's self-billing statement and the year's withholding-tax certificate.
 */
onEachDatabase('Cloud One: a KES batch by M-Pesa with 5 % withholding, from the request to the certificate', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let agent: number;
  let clientId: number;
  let withdrawalId: number;
  let batchId: number;
  const ip = '198.51.100.7';

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
    agent = await s.agent(program, { tier: 'bronze' });
    clientId = (await s.services.agents.get(agent))!.clientId;
    await s.services.settings.set('tax_provider_name', 'Cloud One Kenya Ltd');
  });
  verifyAfterEach(() => s);

  it('the agent records a Kenyan tax profile (KRA PIN) and an M-Pesa number, which is stored sealed and shown masked', async () => {
    await s.services.taxProfiles.save(agent, { legal_status: 'individual', residency: 'KE', tax_id: 'A123456789Z' }, `agent:${agent}`);
    const view = await s.services.payoutMethods.save(agent, { kind: 'mpesa', phone: '0712 345 678' }, { userId: clientId, ip });
    expect([view.kind, view.masked]).to.deep.equal(['mpesa', '+254 7•• ••• 678']);
    const row = await s.db(T.payoutMethods).where({ agent_id: agent }).first();
    expect(String(row.details_enc)).not.to.contain('712345678');
    expect(await s.services.payoutMethods.forAgent(agent)).to.deep.equal({ kind: 'mpesa', phone: '+254712345678' });
  });

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

  it('the admin’s batch takes it by M-Pesa in KES and decides the tax by the profile: gross KES 20,000.00, 5 %, tax KES 1,000.00, net KES 19,000.00, no conversion', async () => {
    const batches = s.services.payoutBatches;
    const cutOff = s.clock.now();
    const due = await batches.due(cutOff);
    expect(due.map((g) => [g.programName, g.currency, g.method, g.total, g.lines.map((l) => l.withdrawalId)])).to.deep.equal([['Cloud One Agent Program', 'KES', 'mpesa', 2_000_000, [withdrawalId]]]);
    const made = await batches.create({ programId: program.id, currency: 'KES', method: 'mpesa', cutOff }, 1);
    batchId = made.batch.id;
    expect([batchId, made.batch.payCurrency, made.taken, made.skipped]).to.deep.equal([1, 'KES', 1, []]);
    const view = (await batches.view(batchId))!;
    const [line] = view.lines;
    expect([line!.gross, line!.taxBp, line!.tax, line!.net, line!.payCurrency, line!.rate, line!.pay]).to.deep.equal([2_000_000, 500, 100_000, 1_900_000, 'KES', null, 1_900_000]);
    expect(line!.taxBasis).to.deep.equal({ key: 'tax.basis.residency', vars: { residency: 'KE', status: 'individual', rate: 500, tax_id: 'A123456789Z' } });
    expect(view.totals).to.deep.equal({ lines: 1, gross: 2_000_000, tax: 100_000, net: 1_900_000 });
    // No money moves when a batch is made.
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 0, reserved: 2_000_000, withdrawn: 0 });
  });

  it('approved, the M-Pesa file says 19000 shillings to 254712345678 with gross, tax and net in its remark, byte for byte', async () => {
    await s.services.payoutBatches.approve(batchId, 1);
    const file = await s.services.payoutBatches.exportFile(batchId);
    expect(file.filename).to.equal('payout-batch-1-mpesa.csv');
    expect(Buffer.from(file.body, 'utf8').equals(fs.readFileSync(FIXTURE))).to.equal(true, file.body);
    expect(file.body).to.contain('1,254712345678,19000,Client1 Test,AT-1-1,"Payout AT-1-1: gross KES 20,000.00, tax KES 1,000.00, net KES 19,000.00"');
  });

  it('paid the next day with the M-Pesa receipt, as decided at creation (an exemption recorded since changes nothing): KES 19,000.00 withdrawn, KES 1,000.00 withholding tax to the house, one pay transaction, the batch closed', async () => {
    s.clock.advanceDays(1);
    // The tax was decided when the batch was made: an exemption recorded after the file went to
    // Safaricom does not change what this batch keeps back, so the statement shows what was paid.
    const profileId = (await s.services.taxProfiles.forAgent(agent))!.id;
    await s.services.taxProfiles.save(
      agent,
      { legal_status: 'individual', residency: 'KE', tax_id: 'A123456789Z', exemption_ref: 'KRA/EX/2026/0099', exemption_valid_until: '2026-12-31' },
      'admin:ops',
    );
    // The exemption counts only with its certificate on file: the number alone keeps 5 % back.
    expect((await s.services.withholding.forPayout(agent, program, minor(2_000_000))).tax).to.equal(100_000);
    await s.services.exemptionCertificates.file(agent, { name: 'KRA-EX-2026-0099.pdf', data: tinyPdf() }, `agent:${clientId}`);
    expect((await s.services.withholding.forPayout(agent, program, minor(2_000_000))).tax).to.equal(0);
    const houseBefore = (await s.services.ledger.balances(HOUSE, 'KES')).withholding_tax;
    expect(await s.services.payoutBatches.markPaid(batchId, 'MPESA-QX12AB34CD', 1)).to.deep.equal({ done: 1, skipped: 0 });
    expect(await s.balances(agent)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 1_900_000 });
    expect((await s.services.ledger.balances(HOUSE, 'KES')).withholding_tax - houseBefore).to.equal(100_000);
    // One pay transaction for the withdrawal: reserved −20,000.00, withdrawn +19,000.00, house withholding tax +1,000.00.
    const pays = await s.db(T.txns).where({ withdrawal_id: withdrawalId, kind: 'pay' });
    expect(pays.map((t) => [t.idem_key, t.memo])).to.deep.equal([[`pay:${withdrawalId}`, 'payout batch 1 line 1 paid (MPESA-QX12AB34CD)']]);
    const entries = await s.db(T.entries).where({ txn_id: pays[0].id }).orderBy('id');
    expect(entries.map((e) => [Number(e.agent_id), e.account, e.currency, Number(e.amount_minor)])).to.deep.equal([
      [agent, 'reserved', 'KES', -2_000_000],
      [agent, 'withdrawn', 'KES', 1_900_000],
      [HOUSE, 'withholding_tax', 'KES', 100_000],
    ]);
    const w = (await s.services.withdrawals.get(withdrawalId))!;
    expect([w.status, w.amount, w.taxBp, w.tax]).to.deep.equal(['paid', 2_000_000, 500, 100_000]);
    // The withdrawal carries the decision the batch line made, for the tax documents.
    const row = await s.db(T.withdrawals).where({ id: withdrawalId }).first();
    expect(JSON.parse(row.tax_basis)).to.deep.equal({ key: 'tax.basis.residency', vars: { residency: 'KE', status: 'individual', rate: 500, tax_id: 'A123456789Z' } });
    expect(Number(row.tax_profile_id)).to.equal(profileId);
    const view = (await s.services.payoutBatches.view(batchId))!;
    expect([view.batch.status, view.lines[0]!.status, view.lines[0]!.reference]).to.deep.equal(['closed', 'paid', 'MPESA-QX12AB34CD']);
  });

  it('the agent’s self-billing statement for that payout reads gross KES 20,000.00, 5 %, tax KES 1,000.00, net KES 19,000.00, and why', async () => {
    const text = await pdfText(await s.services.taxDocuments.statement((await s.services.taxPayouts.get(withdrawalId))!, EN));
    expect(text).to.include(`Self-billing statement SB-${String(withdrawalId).padStart(6, '0')}`);
    expect(text).to.include('Requested on: 2026-04-16');
    expect(text).to.include('Paid on: 2026-04-17');
    expect(text).to.include('Provider: Cloud One Kenya Ltd');
    expect(text).to.include('Agent: Client1 Test');
    expect(text).to.include('Tax id: A123456789Z');
    expect(text).to.include('Commissions of Cloud One Agent Program withdrawn on request of 2026-04-16 KES 20,000.00 5 % KES 1,000.00 KES 19,000.00');
    expect(text).to.include('Total KES 20,000.00 KES 1,000.00 KES 19,000.00');
    expect(text).to.include('The program’s rate for residents of Kenya: 5 %.');
  });

  it('the 2026 withholding-tax certificate lists the payout (KES 20,000.00, 5 %, KES 1,000.00, KES 19,000.00) and the same totals', async () => {
    const text = await pdfText(await s.services.taxDocuments.certificate(agent, 2026, EN));
    expect(text).to.include('Withholding tax certificate 2026');
    expect(text).to.include('Provider: Cloud One Kenya Ltd');
    expect(text).to.include('Agent: Client1 Test');
    expect(text).to.include('Tax id: A123456789Z');
    expect(text).to.include(`2026-04-17 SB-${String(withdrawalId).padStart(6, '0')} KES 20,000.00 5 % KES 1,000.00 KES 19,000.00`);
    expect(text).to.include('Total KES 20,000.00 KES 1,000.00 KES 19,000.00');
  });
});
