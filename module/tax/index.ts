// The tax capability's front door (issue 15): profiles, withholding, documents and their pages.
export { TaxProfileService, type TaxProfile } from './tax-profile-service';
export { ProfileWithholding } from './profile-withholding';
export { ExemptionCertificates, type FiledCertificate } from './exemption-certificates';
export { TaxPayouts, type TaxedPayout } from './tax-payouts';
export { TaxDocuments, PROVIDER_NAME_SETTING } from './tax-documents';
export { taxActions } from './tax-controller';
export { withholdingColumns } from './withholding-columns';
export type { Withholding, WithholdingDecision } from './withholding';
