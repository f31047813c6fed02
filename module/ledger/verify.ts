import type { Knex } from 'knex';
import { T } from '../db/tables';
import { minor } from '../money/amount';
import { FLOOR, type Account } from './accounts';

export interface VerifyReport {
  ok: boolean;
  problems: string[];
  accounts: number;
  txns: number;
}

/**
 * Re-derives every balance from the entries and checks the ledger's invariants: every
 * transaction sums to zero, every stored balance equals the sum of its entries, no floor is
 * breached, and each commission's status agrees with the money that moved for it.
 */
export async function verifyLedger(db: Knex): Promise<VerifyReport> {
  const problems: string[] = [];

  type Row = Record<string, string | number>;
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
    if (agent !== '0' && floor !== null && w < floor) problems.push(`balance ${k} is ${w}, below its floor ${floor}`);
  }

  // A commission's status must match the transactions posted for it.
  const kinds = await db(T.txns).whereNotNull('commission_id').select('commission_id', 'kind');
  const byCommission = new Map<string, Set<string>>();
  for (const k of kinds) {
    const id = String(k.commission_id);
    if (!byCommission.has(id)) byCommission.set(id, new Set());
    byCommission.get(id)!.add(k.kind);
  }
  const expected: Record<string, (k: Set<string>) => boolean> = {
    pending: (k) => k.has('earn') && !k.has('release') && !k.has('void'),
    available: (k) => k.has('earn') && k.has('release') && !k.has('reverse'),
    voided: (k) => k.has('earn') && k.has('void') && !k.has('release'),
    reversed: (k) => k.has('earn') && k.has('release') && k.has('reverse'),
  };
  const commissions = await db(T.commissions).select('id', 'status');
  for (const c of commissions) {
    const k = byCommission.get(String(c.id)) ?? new Set<string>();
    const check = expected[c.status as string];
    if (!check || !check(k)) problems.push(`commission ${c.id} is ${c.status} but its transactions are [${[...k].join(', ')}]`);
  }

  const txns = await db(T.txns).count({ n: '*' }).first();
  return { ok: problems.length === 0, problems, accounts: want.size, txns: Number(txns?.n ?? 0) };
}
