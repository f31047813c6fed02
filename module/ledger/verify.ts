import type { Knex } from 'knex';
import { T } from '../db/tables';
import { minor } from '../money/amount';
import { FLOOR, HOUSE, type Account } from './accounts';

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  accounts: number;
  txns: number;
}

type Row = Record<string, string | number | null>;

/**
 * Re-derives every balance from the entries and checks the ledger's invariants:
 * - every transaction sums to zero;
 * - every stored balance equals the sum of its entries, and no floor is breached;
 * - each commission's entries add up to what is still the agent's (amount − taken back), held in
 *   pending exactly while it is pending; a rejected commission has none;
 * - each withdrawal holds its amount in reserved exactly while it is requested.
 */
export async function verifyLedger(db: Knex): Promise<VerifyReport> {
  const problems: string[] = [];

  const unbalanced: Row[] = await db(T.entries).select('txn_id').sum({ s: 'amount_minor' }).groupBy('txn_id').havingRaw('SUM(amount_minor) <> 0');
  for (const u of unbalanced) problems.push(`transaction ${u.txn_id} sums to ${u.s}, not 0`);

  const derived: Row[] = await db(T.entries).select('agent_id', 'account', 'currency').sum({ s: 'amount_minor' }).groupBy('agent_id', 'account', 'currency');
  const stored: Row[] = await db(T.balances).select('agent_id', 'account', 'currency', 'balance_minor');
  const key = (r: Row) => `${r.agent_id}/${r.account}/${r.currency}`;
  const want = new Map(derived.map((r) => [key(r), minor(r.s)]));
  const have = new Map(stored.map((r) => [key(r), minor(r.balance_minor)]));
  for (const k of new Set([...want.keys(), ...have.keys()])) {
    const w = want.get(k) ?? 0;
    const h = have.get(k) ?? 0;
    if (w !== h) problems.push(`balance ${k} is ${h} but its entries sum to ${w}`);
    const [agent, account] = k.split('/');
    const floor = FLOOR[account as Account];
    if (agent !== String(HOUSE) && floor !== null && w < floor) problems.push(`balance ${k} is ${w}, below its floor ${floor}`);
  }

  const perCommission: Row[] = await db(`${T.entries} as e`)
    .join(`${T.txns} as t`, 't.id', 'e.txn_id')
    .whereNotNull('t.commission_id')
    .whereNot('e.agent_id', HOUSE)
    .select('t.commission_id', 'e.account')
    .sum({ s: 'e.amount_minor' })
    .groupBy('t.commission_id', 'e.account');
  const sums = new Map<string, { total: number; pending: number }>();
  for (const r of perCommission) {
    const s = sums.get(String(r.commission_id)) ?? { total: 0, pending: 0 };
    s.total += minor(r.s);
    if (r.account === 'pending') s.pending += minor(r.s);
    sums.set(String(r.commission_id), s);
  }
  for (const c of (await db(T.commissions).select('id', 'status', 'amount_minor', 'adjusted_minor')) as Row[]) {
    const s = sums.get(String(c.id)) ?? { total: 0, pending: 0 };
    const left = minor(c.amount_minor) - minor(c.adjusted_minor);
    if (c.status === 'rejected') {
      if (s.total !== 0 || minor(c.amount_minor) !== 0) problems.push(`commission ${c.id} is rejected but carries money`);
      continue;
    }
    if (left < 0) problems.push(`commission ${c.id} had more taken back than it earned`);
    if (s.total !== left) problems.push(`commission ${c.id} left ${left} but its entries sum to ${s.total}`);
    const pendingWanted = c.status === 'pending' ? left : 0;
    if (s.pending !== pendingWanted) problems.push(`commission ${c.id} is ${c.status} but holds ${s.pending} in pending`);
    if ((c.status === 'voided' || c.status === 'reversed') && left !== 0) problems.push(`commission ${c.id} is ${c.status} with ${left} left`);
  }

  const perWithdrawal: Row[] = await db(`${T.entries} as e`)
    .join(`${T.txns} as t`, 't.id', 'e.txn_id')
    .whereNotNull('t.withdrawal_id')
    .where('e.account', 'reserved')
    .select('t.withdrawal_id')
    .sum({ s: 'e.amount_minor' })
    .groupBy('t.withdrawal_id');
  const reserved = new Map(perWithdrawal.map((r) => [String(r.withdrawal_id), minor(r.s)]));
  for (const w of (await db(T.withdrawals).select('id', 'status', 'amount_minor')) as Row[]) {
    const want = w.status === 'requested' ? minor(w.amount_minor) : 0;
    const got = reserved.get(String(w.id)) ?? 0;
    if (got !== want) problems.push(`withdrawal ${w.id} is ${w.status} but holds ${got} in reserved`);
  }

  const txns = await db(T.txns).count({ n: '*' }).first();
  return { ok: problems.length === 0, problems, accounts: want.size, txns: Number(txns?.n ?? 0) };
}
