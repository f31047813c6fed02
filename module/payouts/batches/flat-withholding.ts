import { percentOf, formatRate, type Minor } from '../../money/amount';
import type { Program } from '../../programs/program-service';
import type { Withholding, WithholdingDecision } from '../../tax';

/**
 * The withholding a batch keeps back until tax profiles decide it per agent (module/tax): the
 * program's one flat rate, `withholding_tax_bp`, the same rate a withdrawal was reserved with.
 */
export const flatWithholding: Withholding = {
  forPayout(_agentId: number, program: Program, gross: Minor): Promise<WithholdingDecision> {
    const rateBp = program.def.withholding_tax_bp;
    return Promise.resolve({ rateBp, tax: percentOf(gross, rateBp), profileId: null, basis: { key: 'batches.tax_basis.flat', vars: { rate: formatRate(rateBp) } } });
  },
};
