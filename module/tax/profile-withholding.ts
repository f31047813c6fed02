import { DateTime } from 'luxon';
import type { Clock } from '../core/clock';
import { percentOf, type Minor } from '../money/amount';
import type { Program } from '../programs/program-service';
import { chooseRate } from './tax-rules';
import type { TaxProfileService } from './tax-profile-service';
import type { Withholding, WithholdingDecision } from './withholding';

/**
 * The withholding of a payout made now: the agent's tax profile against the program's rules
 * (module/tax/tax-rules.ts), the program's `withholding_tax_bp` as the default. An exemption
 * counts only while its certificate is valid on the payout day in the program's time zone. The
 * basis keeps the profile's facts as they were (tax id included), for the statement.
 */
export class ProfileWithholding implements Withholding {
  constructor(
    private readonly profiles: Pick<TaxProfileService, 'forAgent'>,
    private readonly clock: Clock,
  ) {}

  async forPayout(agentId: number, program: Program, gross: Minor): Promise<WithholdingDecision> {
    const profile = await this.profiles.forAgent(agentId);
    const day = DateTime.fromMillis(this.clock.now(), { zone: program.timezone }).toFormat('yyyy-LL-dd');
    const choice = chooseRate(program.def.withholding_tax_bp, program.def.tax, profile, day);
    const vars = profile?.taxId ? { ...choice.basis.vars, tax_id: profile.taxId } : choice.basis.vars;
    return { rateBp: choice.rateBp, tax: percentOf(gross, choice.rateBp), profileId: profile?.id ?? null, basis: { key: choice.basis.key, vars } };
  }
}
