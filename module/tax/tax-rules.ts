import type { LegalStatus, TaxRules } from '../programs/tax-definition';

export { taxRulesDefinition, type TaxRules } from '../programs/tax-definition';

/** What the rules read of an agent's tax profile. */
export interface ProfileFacts {
  residency: string;
  legalStatus: LegalStatus;
  exemptionRef: string | null;
  /** The last day (yyyy-mm-dd) the exemption certificate is valid. */
  exemptionValidUntil: string | null;
}

/** The rate and why: a lang key (tax.basis.*) with its values. */
export interface RateChoice {
  rateBp: number;
  basis: { key: string; vars: Record<string, string | number> };
}

/**
 * The rate for one payout: none with an exemption valid on `payoutDay` (yyyy-mm-dd in the
 * program's zone) where the program honours certificates, else the first matching line of
 * `rates`, else the default. An agent with no profile pays the default.
 */
export function chooseRate(defaultBp: number, rules: TaxRules | undefined, profile: ProfileFacts | null, payoutDay: string): RateChoice {
  if (!profile) return { rateBp: defaultBp, basis: { key: 'tax.basis.no_profile', vars: { rate: defaultBp } } };
  const facts = { residency: profile.residency, status: profile.legalStatus };
  if (rules?.exempt_with_certificate && profile.exemptionRef && profile.exemptionValidUntil && payoutDay <= profile.exemptionValidUntil) {
    return { rateBp: 0, basis: { key: 'tax.basis.exempt', vars: { ...facts, rate: 0, reference: profile.exemptionRef, until: profile.exemptionValidUntil } } };
  }
  for (const line of rules?.rates ?? []) {
    if (line.residency !== undefined && line.residency !== profile.residency) continue;
    if (line.status !== undefined && line.status !== profile.legalStatus) continue;
    const key = line.residency !== undefined && line.status !== undefined ? 'tax.basis.residency_status' : line.residency !== undefined ? 'tax.basis.residency' : 'tax.basis.status';
    return { rateBp: line.bp, basis: { key, vars: { ...facts, rate: line.bp } } };
  }
  return { rateBp: defaultBp, basis: { key: 'tax.basis.default', vars: { ...facts, rate: defaultBp } } };
}
