import { z } from 'zod';
import { minor, type Minor } from '../money/amount';
import { CERTIFICATIONS } from '../programs/definition';
import { asRow, json, num, oneOf, stringOrNull, text } from '../db/columns';
import type { RatePart } from './engine';

export const COMMISSION_STATUSES = ['pending', 'available', 'voided', 'reversed', 'rejected', 'forfeited'] as const;
export type CommissionStatus = (typeof COMMISSION_STATUSES)[number];

/** The `parts` column: the rate parts as the engine made them, stored as JSON. */
const rateParts: z.ZodType<RatePart[]> = z.array(
  z.object({
    kind: z.enum(['sales', 'agent_rate', 'technical', 'bonus', 'fixed', 'fx']),
    rule: z.string(),
    bp: z.number().optional(),
    multiplierBp: z.number().optional(),
    certification: z.enum(CERTIFICATIONS).optional(),
    fixedMinor: z.number().optional(),
    fx: z.object({ from: z.string(), rate: z.string(), originalMinor: z.number() }).optional(),
  }),
);

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

/** A commission row, decoded. An empty text column means "none", as a null one does. */
export function commissionFromRow(row: unknown): Commission {
  const r = asRow(row);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    programId: num(r.program_id),
    clientId: num(r.client_id),
    invoiceId: num(r.invoice_id),
    invoiceLineId: num(r.invoice_line_id),
    rule: text(r.rule),
    role: text(r.role),
    tier: stringOrNull(r.tier) || null,
    termsVersion: num(r.terms_version),
    base: minor(r.base_minor),
    parts: rateParts.parse(json(r.parts)),
    amount: minor(r.amount_minor),
    adjusted: minor(r.adjusted_minor),
    currency: text(r.currency),
    status: oneOf(COMMISSION_STATUSES, r.status),
    reason: stringOrNull(r.reason) || null,
    createdAt: num(r.created_at),
    availableAt: num(r.available_at),
  };
}

/** What is still the agent's of a commission after refunds. */
export function remainingOf(c: Commission): Minor {
  return minor(c.amount - c.adjusted);
}
