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

/** The exemption certificate on file for the profile (module/tax/exemption-certificates.ts). */
export interface CertificateFacts {
  id: number;
  fileName: string;
}

/** What a filed certificate says it is the certificate of: the exemption its profile named at the upload. */
export interface CertificateCovers {
  exemptionRef: string | null;
  exemptionValidUntil: string | null;
}

/**
 * True when the certificate on file was uploaded for the exemption the profile names now, the
 * same number and the same last day. An agent whose certificate expired could otherwise type a new
 * number and last day and be exempt on the old file; a renewal with a new last day is a new file.
 */
export function certificateCovers(certificate: CertificateCovers | null, profile: Pick<ProfileFacts, 'exemptionRef' | 'exemptionValidUntil'> | null): boolean {
  return Boolean(certificate && profile?.exemptionRef && certificate.exemptionRef === profile.exemptionRef && certificate.exemptionValidUntil === profile.exemptionValidUntil);
}

/** The rate and why: a lang key (tax.basis.*) with its values. */
export interface RateChoice {
  rateBp: number;
  basis: { key: string; vars: Record<string, string | number> };
}

/**
 * The rate for one payout: none with an exemption valid on `payoutDay` (yyyy-mm-dd in the
 * program's zone) whose certificate is on file (`certificate`: the one filed for this very
 * exemption, see certificateCovers; null when none is), where the program honours certificates; else the
 * first matching line of `rates`, else the default. An agent with no profile pays the default. A
 * certificate number without the document is only the agent's word: it does not count.
 */
export function chooseRate(defaultBp: number, rules: TaxRules | undefined, profile: ProfileFacts | null, payoutDay: string, certificate: CertificateFacts | null = null): RateChoice {
  if (!profile) return { rateBp: defaultBp, basis: { key: 'tax.basis.no_profile', vars: { rate: defaultBp } } };
  const facts = { residency: profile.residency, status: profile.legalStatus };
  if (rules?.exempt_with_certificate && certificate && profile.exemptionRef && profile.exemptionValidUntil && payoutDay <= profile.exemptionValidUntil) {
    const vars = { ...facts, rate: 0, reference: profile.exemptionRef, until: profile.exemptionValidUntil, certificate_id: certificate.id, certificate: certificate.fileName };
    return { rateBp: 0, basis: { key: 'tax.basis.exempt_filed', vars } };
  }
  for (const line of rules?.rates ?? []) {
    if (line.residency !== undefined && line.residency !== profile.residency) continue;
    if (line.status !== undefined && line.status !== profile.legalStatus) continue;
    const key = line.residency !== undefined && line.status !== undefined ? 'tax.basis.residency_status' : line.residency !== undefined ? 'tax.basis.residency' : 'tax.basis.status';
    return { rateBp: line.bp, basis: { key, vars: { ...facts, rate: line.bp } } };
  }
  return { rateBp: defaultBp, basis: { key: 'tax.basis.default', vars: { ...facts, rate: defaultBp } } };
}
