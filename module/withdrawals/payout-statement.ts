import type { Knex } from 'knex';
import { T } from '../db/tables';
import { num, rowOrNull } from '../db/columns';
import type { Ledger } from '../ledger/ledger';
import type { Program } from '../programs/program-service';
import { minor, type Minor } from '../money/amount';

/**
 * The agent's statement, as the Cloudpockets seed reads it: what is on hold, what has become
 * available but is still below the payout threshold, what is available to withdraw, what is
 * requested, and what was paid (gross, the tax withheld, and the net that reached the agent).
 */
export interface PayoutStatement {
  pending: Minor;
  /** Available, but less than the threshold: not yet withdrawable (0 once the threshold is reached). */
  belowThreshold: Minor;
  /** Available and at least the threshold: what a withdrawal may ask for (0 below it). */
  withdrawable: Minor;
  /** The available balance as the ledger holds it: negative after a refund of released commission. */
  available: Minor;
  requested: Minor;
  /** Paid out: gross, tax withheld, and net (the ledger's withdrawn account). */
  paidGross: Minor;
  taxWithheld: Minor;
  withdrawnNet: Minor;
  /** Commission earned so far and still the agent's: on hold, available, requested and paid (gross). */
  earned: Minor;
  /** How much more must become available before a withdrawal can be asked for (0 once it can). */
  needed: Minor;
  /** Whether the agent may ask for a withdrawal now: the program pays on request, the agent is active, and the threshold is reached. */
  canRequest: boolean;
}

/** Whether a withdrawal may be requested: the one rule behind the payouts form and the home widget's button. */
export function withdrawalAllowed(program: Pick<Program, 'def' | 'payoutThreshold'>, agentStatus: string, available: number): boolean {
  return program.def.payout.schedule === 'on_request' && agentStatus === 'active' && available > 0 && available >= program.payoutThreshold;
}

export async function payoutStatement(
  db: Knex,
  ledger: Pick<Ledger, 'balances'>,
  agent: { id: number; status: string },
  program: Pick<Program, 'currency' | 'def' | 'payoutThreshold'>,
): Promise<PayoutStatement> {
  const paidQuery: Promise<unknown> = db(T.withdrawals)
    .where({ agent_id: agent.id, currency: program.currency, status: 'paid' })
    .first(db.raw('COALESCE(SUM(amount_minor), 0) AS gross'), db.raw('COALESCE(SUM(tax_minor), 0) AS tax'));
  const [b, paid] = await Promise.all([ledger.balances(agent.id, program.currency), paidQuery]);
  const row = rowOrNull(paid);
  const paidGross = num(row?.gross ?? 0);
  const taxWithheld = num(row?.tax ?? 0);
  const reached = b.available > 0 && b.available >= program.payoutThreshold;
  const gap = program.payoutThreshold - b.available;
  return {
    pending: b.pending,
    belowThreshold: minor(!reached && b.available > 0 ? b.available : 0),
    withdrawable: minor(reached ? b.available : 0),
    available: b.available,
    requested: b.reserved,
    paidGross: minor(paidGross),
    taxWithheld: minor(taxWithheld),
    withdrawnNet: b.withdrawn,
    earned: minor(b.pending + b.available + b.reserved + paidGross),
    needed: minor(gap > 0 ? gap : 0),
    canRequest: withdrawalAllowed(program, agent.status, b.available),
  };
}
