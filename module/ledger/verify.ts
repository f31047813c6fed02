import type { Knex } from 'knex';
import { T } from '../db/tables';
import { minor, type Minor } from '../money/amount';
import { asRows, num, numberOrNull, rowOrNull, text, type Row } from '../db/columns';
import { ACCOUNTS, FLOOR, HOUSE } from './accounts';
import { keepsBalanceRow } from './ledger';

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  accounts: number;
  txns: number;
}

/** One stored or derived balance: an agent's account in one currency. */
interface BalanceLine {
  agentId: number;
  account: string;
  amount: Minor;
}

function balanceLine(r: Row, amountColumn: string): [string, BalanceLine] {
  const agentId = num(r.agent_id);
  const account = text(r.account);
  return [`${agentId}/${account}/${text(r.currency)}`, { agentId, account, amount: minor(r[amountColumn]) }];
}

/**
 * Re-derives every balance from the entries and checks the ledger's invariants:
 * - every transaction sums to zero;
 * - every stored balance equals the sum of its entries, and no floor is breached; a balance kept
 *   as no row (the house's commission expense) has none stored;
 * - each commission's entries add up to what is still the agent's (amount − taken back), held in
 *   pending exactly while it is pending; a rejected commission has none;
 * - each withdrawal holds its amount in reserved exactly while it is requested (or in a batch).
 */
export async function verifyLedger(db: Knex): Promise<VerifyReport> {
  const problems: string[] = [];

  const unbalanced = asRows(await db(T.entries).select('txn_id').sum({ s: 'amount_minor' }).groupBy('txn_id').havingRaw('SUM(amount_minor) <> 0'));
  for (const u of unbalanced) problems.push(`transaction ${num(u.txn_id)} sums to ${minor(u.s)}, not 0`);

  const derived = asRows(await db(T.entries).select('agent_id', 'account', 'currency').sum({ s: 'amount_minor' }).groupBy('agent_id', 'account', 'currency'));
  const stored = asRows(await db(T.balances).select('agent_id', 'account', 'currency', 'balance_minor'));
  const want = new Map(derived.map((r) => balanceLine(r, 's')));
  const have = new Map(stored.map((r) => balanceLine(r, 'balance_minor')));
  for (const [k, line] of new Map([...want, ...have])) {
    const w = want.get(k)?.amount ?? 0;
    const account = ACCOUNTS.find((a) => a === line.account);
    if (account && !keepsBalanceRow(line.agentId, account)) {
      // Derived from its entries, never stored: a row for it is one nothing keeps up to date.
      if (have.has(k)) problems.push(`balance ${k} is stored, but it is derived from its entries and no row is kept`);
    } else {
      const h = have.get(k)?.amount ?? 0;
      if (w !== h) problems.push(`balance ${k} is ${h} but its entries sum to ${w}`);
    }
    const floor = account ? FLOOR[account] : null;
    if (line.agentId !== HOUSE && floor !== null && w < floor) problems.push(`balance ${k} is ${w}, below its floor ${floor}`);
  }

  const perCommission = asRows(
    await db(`${T.entries} as e`)
      .join(`${T.txns} as t`, 't.id', 'e.txn_id')
      .whereNotNull('t.commission_id')
      .whereNot('e.agent_id', HOUSE)
      .select('t.commission_id', 'e.account')
      .sum({ s: 'e.amount_minor' })
      .groupBy('t.commission_id', 'e.account'),
  );
  const sums = new Map<number, { total: number; pending: number }>();
  for (const r of perCommission) {
    const id = num(r.commission_id);
    const s = sums.get(id) ?? { total: 0, pending: 0 };
    s.total += minor(r.s);
    if (text(r.account) === 'pending') s.pending += minor(r.s);
    sums.set(id, s);
  }
  for (const c of asRows(await db(T.commissions).select('id', 'status', 'amount_minor', 'adjusted_minor'))) {
    const id = num(c.id);
    const status = text(c.status);
    const s = sums.get(id) ?? { total: 0, pending: 0 };
    const left = minor(c.amount_minor) - minor(c.adjusted_minor);
    if (status === 'rejected') {
      if (s.total !== 0 || minor(c.amount_minor) !== 0) problems.push(`commission ${id} is rejected but carries money`);
      continue;
    }
    if (left < 0) problems.push(`commission ${id} had more taken back than it earned`);
    if (s.total !== left) problems.push(`commission ${id} left ${left} but its entries sum to ${s.total}`);
    const pendingWanted = status === 'pending' ? left : 0;
    if (s.pending !== pendingWanted) problems.push(`commission ${id} is ${status} but holds ${s.pending} in pending`);
    if ((status === 'voided' || status === 'reversed') && left !== 0) problems.push(`commission ${id} is ${status} with ${left} left`);
  }

  const perWithdrawal = asRows(
    await db(`${T.entries} as e`)
      .join(`${T.txns} as t`, 't.id', 'e.txn_id')
      .whereNotNull('t.withdrawal_id')
      .where('e.account', 'reserved')
      .select('t.withdrawal_id')
      .sum({ s: 'e.amount_minor' })
      .groupBy('t.withdrawal_id'),
  );
  const reserved = new Map(perWithdrawal.map((r) => [num(r.withdrawal_id), minor(r.s)]));
  for (const w of asRows(await db(T.withdrawals).select('id', 'status', 'amount_minor'))) {
    const id = num(w.id);
    const status = text(w.status);
    // A withdrawal in a payout batch keeps its money reserved until its line is paid or failed.
    const want = status === 'requested' || status === 'in_batch' ? minor(w.amount_minor) : 0;
    const got = reserved.get(id) ?? 0;
    if (got !== want) problems.push(`withdrawal ${id} is ${status} but holds ${got} in reserved`);
  }

  const txns = rowOrNull(await db(T.txns).count({ n: '*' }).first());
  return { ok: problems.length === 0, problems, accounts: want.size, txns: numberOrNull(txns?.n) ?? 0 };
}
