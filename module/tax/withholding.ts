import type { Minor } from '../money/amount';
import type { Program } from '../programs/program-service';

/** The tax kept back from one payout, and why (a lang key with its values, for the statement). */
export interface WithholdingDecision {
  rateBp: number;
  tax: Minor;
  /** The agent's tax profile the decision used; null when the agent has none on file. */
  profileId: number | null;
  basis: { key: string; vars: Record<string, string | number> };
}

/** Decides the withholding tax of a payout from the agent's tax profile and the program's rules. */
export interface Withholding {
  forPayout(agentId: number, program: Program, gross: Minor): Promise<WithholdingDecision>;
}
