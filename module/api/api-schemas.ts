import { z } from 'zod';

// The API's shapes, once: the router validates with them and the OpenAPI document is generated
// from them (openapi.ts), so the two cannot drift. Times are ISO 8601 in UTC; amounts are integer
// minor units with their ISO 4217 currency, never a float.

const id = z.int().positive();
const time = z.iso.datetime();

export const Money = z.object({ amount_minor: z.int(), currency: z.string().length(3) });

export const Agent = z.object({ id, client_id: id, program_id: id, status: z.string(), tier: z.string().nullable(), referral_code: z.string().nullable(), created_at: time });
export const Referral = z.object({ id, agent_id: id, client_id: id, program_id: id, rule: z.string(), created_at: time, ended_at: time.nullable() });
export const Commission = z.object({
  id,
  agent_id: id,
  program_id: id,
  client_id: z.int().nonnegative(),
  invoice_id: z.int().nonnegative(),
  role: z.string(),
  status: z.string(),
  amount: Money,
  /** Taken back so far by refunds or forfeiture. */
  adjusted: Money,
  reason: z.string().nullable(),
  created_at: time,
  available_at: time,
});
export const Payout = z.object({ id, agent_id: id, status: z.string(), amount: Money, tax: Money, period: z.string().nullable(), requested_at: time, paid_at: time.nullable() });
export const Link = z.object({ agent_id: id, referral_link: z.string(), code_link: z.string().nullable(), short_link: z.string().nullable(), referral_code: z.string().nullable() });
export const Program = z.object({ id, slug: z.string(), name: z.string(), currency: z.string().length(3), cookie_days: z.int(), attribution: z.string() });
export const Click = z.object({ id, agent_id: id, created_at: time, referer: z.string() });

/** A page of a list: `next_cursor` is null on the last page. */
export const pageOf = <S extends z.ZodType>(item: S) => z.object({ data: z.array(item), next_cursor: z.string().nullable() });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).optional(),
  cursor: z.string().max(200).optional(),
  agent_id: z.coerce.number().int().positive().optional(),
});
export const IdParams = z.object({ id: z.coerce.number().int().positive() });

export const CreateAgent = z.object({ client_id: id, program_id: id });
export const AssignClient = z.object({
  client_id: id,
  agent_id: id,
  reason: z.string().trim().min(1).max(200),
  /** Assign over a self-referral warning, as an admin confirms it on the page. */
  confirm_self_referral: z.boolean().optional(),
});
export const AddCommission = z.object({
  agent_id: id,
  amount_minor: z.int().positive(),
  currency: z.string().length(3),
  reason: z.string().trim().min(1).max(200),
  client_id: id.optional(),
});

export const FieldProblem = z.object({ field: z.string(), message: z.string() });
export const Problem = z.object({ type: z.string(), title: z.string(), status: z.int(), detail: z.string().optional(), errors: z.array(FieldProblem).optional() });
