import { minor, type Minor } from '../money/amount';
import type { RatePart } from './engine';

export type CommissionStatus = 'pending' | 'available' | 'voided' | 'reversed' | 'rejected' | 'forfeited';

export interface Commission {
  id: number;
  agentId: number;
  programId: number;
  clientId: number;
  invoiceId: number;
  invoiceLineId: number;
  rule: string;
  role: string;
  tier: string | null;
  termsVersion: number;
  base: Minor;
  parts: RatePart[];
  amount: Minor;
  adjusted: Minor;
  currency: string;
  status: CommissionStatus;
  reason: string | null;
  createdAt: number;
  availableAt: number;
}

export function commissionFromRow(r: Record<string, unknown>): Commission {
  return {
    id: Number(r.id),
    agentId: Number(r.agent_id),
    programId: Number(r.program_id),
    clientId: Number(r.client_id),
    invoiceId: Number(r.invoice_id),
    invoiceLineId: Number(r.invoice_line_id),
    rule: String(r.rule),
    role: String(r.role),
    tier: r.tier ? String(r.tier) : null,
    termsVersion: Number(r.terms_version),
    base: minor(r.base_minor),
    parts: JSON.parse(String(r.parts)) as RatePart[],
    amount: minor(r.amount_minor),
    adjusted: minor(r.adjusted_minor),
    currency: String(r.currency),
    status: String(r.status) as CommissionStatus,
    reason: r.reason ? String(r.reason) : null,
    createdAt: Number(r.created_at),
    availableAt: Number(r.available_at),
  };
}

/** What is still the agent's of a commission after refunds. */
export function remainingOf(c: Commission): Minor {
  return minor(c.amount - c.adjusted);
}
