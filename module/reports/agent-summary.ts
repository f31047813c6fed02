import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger, Balances } from '../ledger/ledger';
import type { Program } from '../programs/program-service';
import { type Minor, minor } from '../money/amount';
import { num, rowOrNull } from '../db/columns';

export interface AgentSummary {
  clicks: number;
  signups: number;
  qualified: number;
  balances: Balances;
  /** How much more must become available before a withdrawal can be requested (0 when none). */
  neededForWithdrawal: Minor;
}

/** The figures on the agent's page, each read from an index or a balance row. */
export async function agentSummary(db: Knex, ledger: Ledger, agentId: number, program: Program): Promise<AgentSummary> {
  const [clicks, signups, qualified, balances] = await Promise.all([
    db(T.clicks).where({ agent_id: agentId }).count({ n: '*' }).first(),
    db(T.referrals).where({ agent_id: agentId }).count({ n: '*' }).first(),
    // A sign-up qualified when it earned a commission that was not voided or refused.
    db(T.commissions).where({ agent_id: agentId }).whereNotIn('status', ['voided', 'rejected']).where('client_id', '>', 0).countDistinct({ n: 'client_id' }).first(),
    ledger.balances(agentId, program.currency),
  ]);
  const gap = program.payoutThreshold - balances.available;
  return {
    clicks: count(clicks),
    signups: count(signups),
    qualified: count(qualified),
    balances,
    neededForWithdrawal: minor(gap > 0 ? gap : 0),
  };
}

/** A COUNT(*) row's n: a number on SQLite, a string on MariaDB. */
function count(row: unknown): number {
  return num(rowOrNull(row)?.n ?? 0);
}
