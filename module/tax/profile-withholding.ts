import { DateTime } from 'luxon';
import type { Clock } from '../core/clock';
import { percentOf, type Minor } from '../money/amount';
import type { Program } from '../programs/program-service';
import { certificateCovers, chooseRate } from './tax-rules';
import type { TaxProfileService } from './tax-profile-service';
import type { ExemptionCertificates } from './exemption-certificates';
import type { Withholding, WithholdingDecision } from './withholding';

/**
 * The withholding of a payout made now: the agent's tax profile against the program's rules
 * (module/tax/tax-rules.ts), the program's `withholding_tax_bp` as the default. An exemption
 * counts only while its certificate is valid on the payout day in the program's time zone and the
 * certificate itself is on file (uploaded), filed for the exemption the profile names now: a file
 * uploaded for an earlier number or last day does not count for a new one. The basis keeps the profile's facts as they were (tax
 * id, and the certificate filed, included), for the statement.
 */
export class ProfileWithholding implements Withholding {
  constructor(
    private readonly profiles: Pick<TaxProfileService, 'forAgent'>,
    private readonly clock: Clock,
    private readonly certificates: Pick<ExemptionCertificates, 'onFile'>,
  ) {}

  async forPayout(agentId: number, program: Program, gross: Minor): Promise<WithholdingDecision> {
    const profile = await this.profiles.forAgent(agentId);
    const day = DateTime.fromMillis(this.clock.now(), { zone: program.timezone }).toFormat('yyyy-LL-dd');
    const onFile = profile?.exemptionRef ? await this.certificates.onFile(agentId) : null;
    const filed = onFile && certificateCovers(onFile, profile) ? onFile : null;
    const choice = chooseRate(program.def.withholding_tax_bp, program.def.tax, profile, day, filed);
    const vars = profile?.taxId ? { ...choice.basis.vars, tax_id: profile.taxId } : choice.basis.vars;
    return { rateBp: choice.rateBp, tax: percentOf(gross, choice.rateBp), profileId: profile?.id ?? null, basis: { key: choice.basis.key, vars } };
  }
}
