import type { WithholdingDecision } from './withholding';

/**
 * The withdrawal row's columns that record a withholding decision, for the update that marks a
 * payout paid (WithdrawalService.markPaid, a batch line paid): the rate, the tax, the profile it
 * used and the basis (JSON), so that its statement can say why (module/tax/tax-documents.ts).
 */
export function withholdingColumns(d: WithholdingDecision): { tax_bp: number; tax_minor: number; tax_profile_id: number | null; tax_basis: string } {
  return { tax_bp: d.rateBp, tax_minor: d.tax, tax_profile_id: d.profileId, tax_basis: JSON.stringify(d.basis) };
}
