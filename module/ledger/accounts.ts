import { neg, type Minor } from '../money/amount';

/**
 * The ledger's accounts. Each agent has four, per currency; the provider (agent 0, "the house")
 * has the other side of every commission. Every transaction's entries sum to zero.
 *
 *   earn        house:commission_expense −a   agent:pending   +a
 *   release     agent:pending −a              agent:available +a
 *   void        agent:pending −a              house:commission_expense +a
 *   reverse     agent:available −a            house:commission_expense +a   (may go negative:
 *               a refund of commission already released is carried into later commissions)
 *   reserve     agent:available −a            agent:reserved  +a   (a withdrawal request)
 *   pay         agent:reserved −a             agent:withdrawn +(a − t)   house:withholding_tax +t
 *   forfeit     agent:pending|available|reserved −a   house:commission_expense +a
 *   pay         also a payout batch's line paid (module/payouts/batches), same key pay:<withdrawal>,
 *               so that a withdrawal is paid once whichever way it is paid; its tax t is the line's
 *   payout_fail agent:reserved −a             agent:available +a   (a batch line the bank returned)
 *   return      agent:reserved −a             agent:available +a   (a request rejected or cancelled
 *               before it was paid: key return:<withdrawal>, module/withdrawals/withdrawal-ending.ts)
 */
export const HOUSE = 0;

export const ACCOUNTS = ['pending', 'available', 'reserved', 'withdrawn', 'commission_expense', 'withholding_tax'] as const;
export type Account = (typeof ACCOUNTS)[number];

/** The lowest balance an account may hold after an entry; null means no floor. */
export const FLOOR: Record<Account, number | null> = {
  pending: 0,
  available: null,
  reserved: 0,
  withdrawn: 0,
  commission_expense: null,
  withholding_tax: null,
};

/**
 * The two postings that give an amount of an agent's balance back to the house (a void, a
 * reversal, a forfeit): out of the agent's `from` account, into the house's commission expense.
 */
export function backToHouse(agentId: number, from: Account, amount: Minor): [{ agentId: number; account: Account; amount: Minor }, { agentId: number; account: Account; amount: Minor }] {
  return [
    { agentId, account: from, amount: neg(amount) },
    { agentId: HOUSE, account: 'commission_expense', amount },
  ];
}
