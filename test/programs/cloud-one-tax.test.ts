import { expect } from 'chai';
import { onEachDatabase } from '../support/databases';
import { Scenario, verifyAfterEach } from '../support/scenario';
import { pdfText } from '../support/pdf-text';
import { tinyPdf } from '../support/tiny-pdf';
import { HOUSE } from '../../module/ledger/accounts';
import { T } from '../../module/db/tables';
import type { Program } from '../../module/programs/program-service';
import { viewHelpers } from '../../module/http/render';

// The documents as an English reader gets them.
const EN = viewHelpers('english', '');

/**
 * Cloud One's withholding tax by the agent's tax profile: 5 % kept back from Kenyan residents
 * (KE), nothing while a KRA exemption certificate on file is valid on the payout day. The money
 * comes from manual commissions released after the 45 days' hold, so that each gross is exact.
 */
onEachDatabase('Cloud One: 5 % withholding for Kenyan residents, on the statement and the certificate', ({ current }) => {
  let s: Scenario;
  let program: Program;
  let wanjiku: number;
  let otieno: number;
  let certificateId: number;

  /** An agent with `amountText` available after the hold. */
  async function earns(agentId: number, amountText: string, key: string): Promise<void> {
    await s.services.manualCommissions.addManual(agentId, amountText, 'seed: commission for the tax scenario', key);
  }

  before(async () => {
    s = await new Scenario(current().db, '2026-03-02T09:00:00Z').start();
    s.defaultCurrency = 'KES';
    program = await s.program('cloud-one.yaml');
    wanjiku = await s.agent(program, { tier: 'bronze' });
    otieno = await s.agent(program, { tier: 'bronze' });
    await s.services.settings.set('tax_provider_name', 'Cloud One Kenya Ltd');
    await s.services.taxProfiles.save(wanjiku, { legal_status: 'individual', residency: 'KE', tax_id: 'A123456789Z' }, 'agent:1');
    await s.services.taxProfiles.save(
      otieno,
      { legal_status: 'sole_proprietor', residency: 'KE', tax_id: 'A987654321B', exemption_ref: 'KRA/EX/2026/0042', exemption_valid_until: '2026-04-30' },
      'admin:ops',
    );
    // The exemption counts only with the certificate itself on file.
    certificateId = (await s.services.exemptionCertificates.file(otieno, { name: 'KRA-EX-2026-0042.pdf', data: tinyPdf() }, 'agent:2')).id;
    await earns(wanjiku, '20000.00', 'w1');
    await earns(otieno, '30000.00', 'o1');
    await s.daysPass(45);
  });
  verifyAfterEach(() => s);

  it('a Kenyan resident’s KES 20,000.00 payout keeps back 5 %: tax KES 1,000.00, net KES 19,000.00, in the ledger and on the payout with its basis', async () => {
    expect(await s.balances(wanjiku)).to.deep.equal({ pending: 0, available: 2_000_000, reserved: 0, withdrawn: 0 });
    const w = await s.withdraw(wanjiku, '20000.00');
    const paid = await s.services.withdrawals.markPaid(w.id, 1);
    expect([paid.amount, paid.taxBp, paid.tax, paid.status]).to.deep.equal([2_000_000, 500, 100_000, 'paid']);
    expect(await s.balances(wanjiku)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 1_900_000 });
    expect((await s.services.ledger.balances(HOUSE, 'KES')).withholding_tax).to.equal(100_000);
    const row = await s.db(T.withdrawals).where({ id: w.id }).first();
    const profile = await s.services.taxProfiles.forAgent(wanjiku);
    expect(Number(row.tax_profile_id)).to.equal(profile!.id);
    expect(JSON.parse(row.tax_basis)).to.deep.equal({ key: 'tax.basis.residency', vars: { residency: 'KE', status: 'individual', rate: 500, tax_id: 'A123456789Z' } });
  });

  it('the self-billing statement reads: number SB-…, dates, the line, gross KES 20,000.00, 5 %, tax KES 1,000.00, net KES 19,000.00, and why', async () => {
    const [w] = await s.services.withdrawals.listForAgent(wanjiku);
    const text = await pdfText(await s.services.taxDocuments.statement((await s.services.taxPayouts.get(w!.id))!, EN));
    const number = `SB-${String(w!.id).padStart(6, '0')}`;
    expect(text).to.include(`Self-billing statement ${number}`);
    expect(text).to.include('Paid on: 2026-04-16');
    expect(text).to.include('Requested on: 2026-04-16');
    expect(text).to.include('Provider: Cloud One Kenya Ltd');
    expect(text).to.include(`Agent: Client${1} Test`);
    expect(text).to.include('Tax id: A123456789Z');
    expect(text).to.include('Commissions of Cloud One Agent Program withdrawn on request of 2026-04-16 KES 20,000.00 5 % KES 1,000.00 KES 19,000.00');
    expect(text).to.include('Total KES 20,000.00 KES 1,000.00 KES 19,000.00');
    expect(text).to.include('The program’s rate for residents of Kenya: 5 %.');
  });

  it('an exemption certificate valid on the payout day keeps nothing back (KES 10,000.00 paid whole); after its last day, 5 % again (KES 500.00 of KES 10,000.00)', async () => {
    const exempt = await s.withdraw(otieno, '10000.00');
    const first = await s.services.withdrawals.markPaid(exempt.id, 1);
    expect([first.taxBp, first.tax]).to.deep.equal([0, 0]);
    s.clock.set('2026-04-30T20:59:59Z'); // 23:59:59 in Nairobi: the certificate's last day
    const lastDay = await s.services.withdrawals.markPaid((await s.withdraw(otieno, '10000.00')).id, 1);
    expect([lastDay.taxBp, lastDay.tax]).to.deep.equal([0, 0]);
    s.clock.set('2026-04-30T21:00:00Z'); // midnight in Nairobi: 1 May, expired
    const expired = await s.services.withdrawals.markPaid((await s.withdraw(otieno, '10000.00')).id, 1);
    expect([expired.taxBp, expired.tax]).to.deep.equal([500, 50_000]);
    expect(await s.balances(otieno)).to.deep.equal({ pending: 0, available: 0, reserved: 0, withdrawn: 2_950_000 });
    const basis = JSON.parse((await s.db(T.withdrawals).where({ id: first.id }).first()).tax_basis);
    expect(basis).to.deep.equal({
      key: 'tax.basis.exempt_filed',
      vars: {
        residency: 'KE',
        status: 'sole_proprietor',
        rate: 0,
        reference: 'KRA/EX/2026/0042',
        until: '2026-04-30',
        certificate_id: certificateId,
        certificate: 'KRA-EX-2026-0042.pdf',
        tax_id: 'A987654321B',
      },
    });
  });

  it('the 2026 certificate lists each payout’s date, gross, tax and net, the totals, the agent’s name and KRA PIN and the provider', async () => {
    const text = await pdfText(await s.services.taxDocuments.certificate(wanjiku, 2026, EN));
    expect(text).to.include('Withholding tax certificate 2026');
    expect(text).to.include('Provider: Cloud One Kenya Ltd');
    expect(text).to.include('Agent: Client1 Test');
    expect(text).to.include('Tax id: A123456789Z');
    expect(text).to.match(/2026-04-16 SB-\d{6} KES 20,000\.00 5 % KES 1,000\.00 KES 19,000\.00/);
    expect(text).to.include('Total KES 20,000.00 KES 1,000.00 KES 19,000.00');
    const otienos = await pdfText(await s.services.taxDocuments.certificate(otieno, 2026, EN));
    // 10,000.00 + 10,000.00 + 10,000.00 gross; 0 + 0 + 500.00 tax; 29,500.00 net.
    expect(otienos).to.include('Total KES 30,000.00 KES 500.00 KES 29,500.00');
    const empty = await pdfText(await s.services.taxDocuments.certificate(wanjiku, 2025, EN));
    expect(empty).to.include('No payout was made to the agent in 2025.');
  });
});
