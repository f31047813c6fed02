import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRow, num, numberOrNull, text } from '../db/columns';

/** An admin's choice of who referred one order; keyed by the invoice that bills it. */
export interface OrderOverride {
  invoiceId: number;
  orderId: number;
  clientId: number;
  /** Null: no one earns on this order. */
  agentId: number | null;
  programId: number | null;
  termsVersion: number | null;
  version: number;
  actor: string;
  reason: string;
  createdAt: number;
}

export function orderOverrideFromRow(row: unknown): OrderOverride {
  const r = asRow(row);
  return {
    invoiceId: num(r.invoice_id),
    orderId: num(r.order_id),
    clientId: num(r.client_id),
    agentId: numberOrNull(r.agent_id),
    programId: numberOrNull(r.program_id),
    termsVersion: numberOrNull(r.terms_version),
    version: num(r.version),
    actor: text(r.actor),
    reason: text(r.reason),
    createdAt: num(r.created_at),
  };
}

export async function orderOverrideFor(db: Knex | Knex.Transaction, invoiceId: number): Promise<OrderOverride | null> {
  const row: unknown = await db(T.orderReferrals).where({ invoice_id: invoiceId }).first();
  return row ? orderOverrideFromRow(row) : null;
}
