import type { Knex } from 'knex';
import { T } from '../db/tables';
import { type Minor, minor } from '../money/amount';
import { ACCOUNTS, type Account, FLOOR, HOUSE } from './accounts';
import type { Clock } from '../core/clock';
import { asRows, num, numberOrNull, oneOf, rowOrNull } from '../db/columns';
import { type Dialect, dialectOf } from '../db/connection';

export interface Posting {
  agentId: number;
  account: Account;
  amount: Minor;
}

export interface TxnInput {
  /** Unique per business fact ("earn:42"); a second post with the same key is refused by the DB. */
  idemKey: string;
  kind: string;
  currency: string;
  memo: string;
  commissionId?: number | null;
  withdrawalId?: number | null;
  postings: Posting[];
}

export type Balances = Record<Account, Minor>;

/**
 * Whether a balance is kept as a running row. The house's commission expense is not: every
 * commission, release-free void and refund posts to it, so one row would be written by every
 * InvoicePaid on every app node (a hot row that serialises them, and on Galera makes them abort
 * each other at commit). Nothing limits it, so it needs no row to check against: its balance is
 * the sum of its entries, which `balances` and `verify` derive (migration 027 removed the row).
 */
export function keepsBalanceRow(agentId: number, account: Account): boolean {
  return !(agentId === HOUSE && account === 'commission_expense');
}

/**
 * The append-only ledger. Entries are only ever inserted; the balances table is the running sum
 * kept in the same transaction, so that a limit can be enforced where the entry is written and a
 * dashboard reads one row instead of the whole history. `verify` re-derives it from the entries.
 */
export class Ledger {
  private readonly dialect: Dialect;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {
    this.dialect = dialectOf(db);
  }

  /** Must run inside the caller's transaction; throws (and so rolls it back) on any breach. */
  async post(trx: Knex.Transaction, input: TxnInput): Promise<number> {
    const sum = input.postings.reduce((s, p) => s + p.amount, 0);
    if (sum !== 0) throw new Error(`ledger: ${input.kind} does not balance (${sum})`);
    const [txnId] = await trx(T.txns).insert({
      idem_key: input.idemKey,
      kind: input.kind,
      commission_id: input.commissionId ?? null,
      withdrawal_id: input.withdrawalId ?? null,
      memo: input.memo.slice(0, 255),
      created_at: this.clock.now(),
    });
    if (txnId === undefined) throw new Error(`ledger: ${input.kind} was inserted, but the database gave back no id for it`);
    await trx(T.entries).insert(
      input.postings.map((p) => ({
        txn_id: txnId,
        agent_id: p.agentId,
        account: p.account,
        currency: input.currency,
        amount_minor: p.amount,
      })),
    );
    await addToBalances(trx, this.dialect, input.currency, input.postings);
    for (const p of input.postings) {
      const floor = FLOOR[p.account];
      if (floor !== null && p.agentId !== HOUSE && p.amount < 0) {
        const now = await this.balanceIn(trx, p.agentId, p.account, input.currency);
        if (now < floor) throw new Error(`ledger: ${p.account} of agent ${p.agentId} would fall below ${floor}`);
      }
    }
    return txnId;
  }

  async balanceIn(db: Knex | Knex.Transaction, agentId: number, account: Account, currency: string, lock = false): Promise<Minor> {
    if (!keepsBalanceRow(agentId, account)) return derivedBalance(db, agentId, account, currency);
    let q = db(T.balances).where({ agent_id: agentId, account, currency }).first('balance_minor');
    if (lock) q = q.forUpdate();
    const row = rowOrNull(await q);
    return minor(row?.balance_minor ?? 0);
  }

  async balances(agentId: number, currency: string): Promise<Balances> {
    return (await this.balancesOf([agentId], currency)).get(agentId) ?? zeros();
  }

  /** Several agents' balances in one query (the admin's list), each agent's zeros included. */
  async balancesOf(agentIds: number[], currency: string): Promise<Map<number, Balances>> {
    const out = new Map<number, Balances>();
    for (const id of agentIds) out.set(id, zeros());
    if (!agentIds.length) return out;
    const rows = asRows(await this.db(T.balances).whereIn('agent_id', agentIds).where({ currency }).select('agent_id', 'account', 'balance_minor'));
    for (const r of rows) {
      const balances = out.get(num(r.agent_id));
      if (!balances) throw new Error(`ledger: a balance of agent ${num(r.agent_id)} was read, who was not asked for`);
      balances[oneOf(ACCOUNTS, r.account)] = minor(r.balance_minor);
    }
    const house = out.get(HOUSE);
    if (house) house.commission_expense = await derivedBalance(this.db, HOUSE, 'commission_expense', currency);
    return out;
  }
}

/**
 * Adds each posting to its running balance row, in one statement: the rows that exist are
 * raised, the others made (amounts to one row summed first, so no row appears twice in it).
 */
async function addToBalances(trx: Knex.Transaction, dialect: Dialect, currency: string, postings: Posting[]): Promise<void> {
  const sums = new Map<string, { agent_id: number; account: Account; currency: string; balance_minor: number }>();
  for (const p of postings) {
    if (!keepsBalanceRow(p.agentId, p.account)) continue;
    const key = `${p.agentId}/${p.account}`;
    const row = sums.get(key) ?? { agent_id: p.agentId, account: p.account, currency, balance_minor: 0 };
    row.balance_minor += p.amount;
    sums.set(key, row);
  }
  const rows = [...sums.values()];
  if (!rows.length) return;
  // The amount each row adds: the conflicting row's proposed value, which MySQL/MariaDB call
  // VALUES(col) and SQLite calls excluded.col.
  const proposed = dialect === 'mysql' ? trx.raw('VALUES(??)', ['balance_minor']) : trx.raw('??', ['excluded.balance_minor']);
  await trx(T.balances)
    .insert(rows)
    .onConflict(['agent_id', 'account', 'currency'])
    .merge({ balance_minor: trx.raw('?? + ?', [`${T.balances}.balance_minor`, proposed]) });
}

/** A balance kept as no row: the sum of its entries. */
async function derivedBalance(db: Knex | Knex.Transaction, agentId: number, account: Account, currency: string): Promise<Minor> {
  const row = rowOrNull(await db(T.entries).where({ agent_id: agentId, currency, account }).sum({ s: 'amount_minor' }).first());
  return minor(numberOrNull(row?.s) ?? 0);
}

function zeros(): Balances {
  return { pending: minor(0), available: minor(0), reserved: minor(0), withdrawn: minor(0), commission_expense: minor(0), withholding_tax: minor(0) };
}
