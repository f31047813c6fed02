import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import { neg, type Minor } from '../money/amount';
import { noOutbox, type Outbox } from '../core/outbox';

/** A commission row as it is first written (pending, or rejected with a reason). */
export interface NewCommission {
  agent_id: number;
  program_id: number;
  client_id: number;
  invoice_id: number;
  invoice_line_id: number;
  rule: string;
  role: string;
  sales_rule?: string | null;
  tier: string | null;
  terms_version: number;
  base_minor: number;
  parts: string;
  amount_minor: Minor;
  adjusted_minor: 0;
  currency: string;
  status: 'pending' | 'rejected';
  reason: string | null;
  created_at: number;
  available_at: number;
}

/**
 * Writes a commission and, when it earns, its ledger entry: the house's expense, the agent's
 * pending balance. The caller's transaction holds both, so neither stands without the other.
 * The row's unique key (invoice line, agent, rule) makes a second delivery fail here.
 */
export async function writeCommission(trx: Knex.Transaction, ledger: Pick<Ledger, 'post'>, row: NewCommission, memo: string, outbox: Outbox = noOutbox): Promise<number> {
  const [id] = await trx(T.commissions).insert(row);
  if (id === undefined) throw new Error('the commission was inserted, but the database gave back no id for it');
  if (row.status !== 'pending') return id;
  await outbox.add(trx, 'commission.created', {
    commission_id: id,
    agent_id: row.agent_id,
    client_id: row.client_id,
    invoice_id: row.invoice_id,
    amount_minor: row.amount_minor,
    currency: row.currency,
    available_at: row.available_at,
  });
  await ledger.post(trx, {
    idemKey: `earn:${id}`,
    kind: 'earn',
    currency: row.currency,
    memo,
    commissionId: id,
    postings: [
      { agentId: HOUSE, account: 'commission_expense', amount: neg(row.amount_minor) },
      { agentId: row.agent_id, account: 'pending', amount: row.amount_minor },
    ],
  });
  return id;
}
