import type { Knex } from 'knex';
import { z } from 'zod';
import type { HostCredit } from '../../module/contract/host-api';
import { oneRow } from '../db/rows';

const int = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const creditRow = z.object({ id: int, client_id: int, currency: z.string(), amount_minor: int, description: z.string(), idem_key: z.string(), created_at: int });

/**
 * Credit on a client's account, once per idempotency key: the key's unique index decides between
 * two calls at once, and a second call gets the first one's credit back. A key reused for another
 * client or amount is a caller's bug, thrown rather than answered with the wrong credit.
 */
export async function addClientCredit(db: Knex, now: number, clientId: number, amountMinor: number, currency: string, description: string, key: string): Promise<HostCredit> {
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0) throw new Error(`a credit must be a positive whole number of minor units, not ${amountMinor}`);
  const client = oneRow(z.object({ currency: z.string() }), await db('host_clients').where({ id: clientId }).first('currency'));
  if (!client) throw new Error(`client ${clientId} does not exist`);
  if (client.currency !== currency) throw new Error(`client ${clientId} pays in ${client.currency}, not ${currency}`);
  await db('host_credits')
    .insert({ client_id: clientId, currency, amount_minor: amountMinor, description: description.slice(0, 255), idem_key: key, created_at: now })
    .onConflict('idem_key')
    .ignore();
  const row = oneRow(creditRow, await db('host_credits').where({ idem_key: key }).first());
  if (!row) throw new Error(`credit ${key} was just written and cannot be read back`);
  if (row.client_id !== clientId || row.amount_minor !== amountMinor || row.currency !== currency) {
    throw new Error(`credit key ${key} was used before for another credit (client ${row.client_id}, ${row.amount_minor} ${row.currency})`);
  }
  return { id: String(row.id), client_id: row.client_id, amount_minor: row.amount_minor, currency: row.currency, created_at: row.created_at };
}

/** The client's credit balance in minor units: the sum of its credits. */
export async function clientCreditBalance(db: Knex, clientId: number): Promise<number> {
  const row = oneRow(z.object({ total: int.nullable() }), await db('host_credits').where({ client_id: clientId }).sum({ total: 'amount_minor' }).first());
  return row?.total ?? 0;
}
