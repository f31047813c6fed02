import { expect } from 'chai';
import { innChecks, innProblem, kraPinProblem, normalizeTaxId } from '../../module/tax/tax-id';
import { chooseRate, taxRulesDefinition } from '../../module/tax/tax-rules';

describe('tax ids: the Kenyan KRA PIN and the Russian INN', () => {
  it('a KRA PIN is A or P, nine digits and a letter; A for a person, P for a company', () => {
    expect(kraPinProblem('A123456789Z', 'individual')).to.equal(null);
    expect(kraPinProblem('A123456789Z', 'sole_proprietor')).to.equal(null);
    expect(kraPinProblem('P051234567M', 'company')).to.equal(null);
    expect(kraPinProblem('A123456789Z', 'company')).to.equal('kra_pin_company');
    expect(kraPinProblem('P051234567M', 'self_employed')).to.equal('kra_pin_person');
    expect(kraPinProblem('B123456789Z', 'individual')).to.equal('kra_pin');
    expect(kraPinProblem('A12345678Z', 'individual'), 'eight digits').to.equal('kra_pin');
    expect(kraPinProblem('A1234567890', 'individual'), 'a digit last').to.equal('kra_pin');
  });

  // Worked by hand. 10 digits: weights 2 4 10 3 5 9 4 6 8; 7707083893: 14+28+0+21+0+72+12+48+72 = 267,
  // 267 mod 11 = 3, mod 10 = 3 = the last digit. 12 digits: 500100732259: weights 7 2 4 10 3 5 9 4 6 8
  // give 35+0+0+10+0+0+63+12+12+16 = 148, mod 11 = 5 = the 11th digit; weights 3 7 2 4 10 3 5 9 4 6 8
  // give 15+0+0+4+0+0+35+27+8+12+40 = 141, mod 11 = 9 = the 12th. 770401234546: 202 mod 11 = 4, 204 mod 11 = 6.
  it('an INN’s check digits: 7707083893, 500100732259 and 770401234546 are right; one digit changed, wrong', () => {
    expect(['7707083893', '500100732259', '770401234546'].map(innChecks)).to.deep.equal([true, true, true]);
    expect(['7707083894', '500100732258', '500100732269', '770401234545'].map(innChecks)).to.deep.equal([false, false, false, false]);
    expect(['770708389', '77070838931', '770708389X'].map(innChecks), 'not 10 or 12 digits').to.deep.equal([false, false, false]);
  });

  it('an INN has 10 digits for a company and 12 for a person', () => {
    expect(innProblem('7707083893', 'company')).to.equal(null);
    expect(innProblem('500100732259', 'self_employed')).to.equal(null);
    expect(innProblem('7707083893', 'individual')).to.equal('inn_person');
    expect(innProblem('500100732259', 'company')).to.equal('inn_company');
    expect(innProblem('7707083894', 'company')).to.equal('inn_check');
    expect(innProblem('12345', 'company')).to.equal('inn');
  });

  it('the residency chooses the rule; Kenyan and Russian ids are kept upper case without spaces, others as typed', () => {
    expect(normalizeTaxId(' a123 456 789z ', 'KE', 'individual')).to.deep.equal({ id: 'A123456789Z' });
    expect(normalizeTaxId('7707 083 893', 'RU', 'company')).to.deep.equal({ id: '7707083893' });
    expect(normalizeTaxId('7707083893', 'KE', 'company')).to.deep.equal({ problem: 'kra_pin' });
    expect(normalizeTaxId('DE 123/456/78901', 'DE', 'individual')).to.deep.equal({ id: 'DE 123/456/78901' });
    expect(normalizeTaxId('x'.repeat(41), 'DE', 'individual')).to.deep.equal({ problem: 'tax_id_long' });
  });
});

describe('withholding rules: the rate by residency, status and exemption', () => {
  const rules = taxRulesDefinition.parse({
    rates: [
      { residency: 'KE', status: 'company', bp: 300 },
      { residency: 'KE', bp: 500 },
      { status: 'self_employed', bp: 0 },
    ],
    exempt_with_certificate: true,
  });
  const profile = (residency: string, legalStatus: 'individual' | 'company' | 'self_employed', exemption?: [string, string]) => ({
    residency,
    legalStatus,
    exemptionRef: exemption?.[0] ?? null,
    exemptionValidUntil: exemption?.[1] ?? null,
  });

  it('the first line that matches wins; no match, or no profile, is the default', () => {
    expect(chooseRate(2000, rules, profile('KE', 'company'), '2026-06-01')).to.deep.include({ rateBp: 300 });
    expect(chooseRate(2000, rules, profile('KE', 'individual'), '2026-06-01').basis).to.deep.equal({ key: 'tax.basis.residency', vars: { residency: 'KE', status: 'individual', rate: 500 } });
    expect(chooseRate(2000, rules, profile('RU', 'self_employed'), '2026-06-01').basis.key).to.equal('tax.basis.status');
    expect(chooseRate(2000, rules, profile('UG', 'individual'), '2026-06-01')).to.deep.include({ rateBp: 2000 });
    expect(chooseRate(2000, rules, null, '2026-06-01')).to.deep.equal({ rateBp: 2000, basis: { key: 'tax.basis.no_profile', vars: { rate: 2000 } } });
    expect(chooseRate(700, undefined, profile('KE', 'individual'), '2026-06-01')).to.deep.include({ rateBp: 700 });
  });

  it('an exemption counts through its last valid day, not after; and only where the program honours certificates', () => {
    const exempt = profile('KE', 'individual', ['KRA-EX-1', '2026-06-30']);
    const filed = { id: 1, fileName: 'kra.pdf' };
    expect(chooseRate(2000, rules, exempt, '2026-06-30', filed)).to.deep.include({ rateBp: 0 });
    expect(chooseRate(2000, rules, exempt, '2026-07-01', filed)).to.deep.include({ rateBp: 500 });
    expect(chooseRate(2000, { ...rules, exempt_with_certificate: false }, exempt, '2026-06-30', filed)).to.deep.include({ rateBp: 500 });
    // Without the certificate on file the number alone does not count.
    expect(chooseRate(2000, rules, exempt, '2026-06-30')).to.deep.include({ rateBp: 500 });
  });

  it('a rate line must name a residency or a status', () => {
    expect(taxRulesDefinition.safeParse({ rates: [{ bp: 100 }] }).success).to.equal(false);
    expect(taxRulesDefinition.safeParse({ rates: [{ residency: 'kenya', bp: 100 }] }).success).to.equal(false);
  });
});
