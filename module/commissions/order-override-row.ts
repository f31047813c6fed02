import type { Knex } from 'knex';
import { T } from '../db/tables';
import { numberOrNull } from '../db/columns';

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

export function orderOverrideFromRow(r: Record<string, unknown>): OrderOverride {
  return {
    invoiceId: Number(r.invoice_id),
    orderId: Number(r.order_id),
    clientId: Number(r.client_id),
    agentId: numberOrNull(r.agent_id),
    programId: numberOrNull(r.program_id),
    termsVersion: numberOrNull(r.terms_version),
    version: Number(r.version),
    actor: String(r.actor),
    reason: String(r.reason),
    createdAt: Number(r.created_at),
  };
}

export async function orderOverrideFor(db: Knex | Knex.Transaction, invoiceId: number): Promise<OrderOverride | null> {
  const row = await db(T.orderReferrals).where({ invoice_id: invoiceId }).first();
  return row ? orderOverrideFromRow(row) : null;
}
