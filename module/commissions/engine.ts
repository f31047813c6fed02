import type { Certification, ProgramDefinition, ProgramRule } from '../programs/definition';
import { type Minor, minor, parseAmount, roundHalfAwayFromZero } from '../money/amount';
import { currency } from '../money/currencies';

/** One reason a commission is what it is: "20 % sales", "3 % target bonus", "KES 500.00 fixed". */
export interface RatePart {
  kind: 'sales' | 'agent_rate' | 'technical' | 'bonus' | 'fixed' | 'fx';
  rule: string;
  /** Basis points of the line, times multiplierBp / 10000 when a level multiplier applies. */
  bp?: number;
  multiplierBp?: number;
  certification?: Certification;
  fixedMinor?: number;
  /** For kind fx: the line as invoiced, before conversion to the program's currency. */
  fx?: { from: string; rate: string; originalMinor: number };
}

export interface LineInput {
  id: number;
  amount: Minor;
  productId: number | null;
  category: string | null;
}

export interface SalesAgentInput {
  agentId: number;
  tier: string | null;
  /** The agent's own rate, for programs that set one per agent (CloudSigma). */
  rateBp: number | null;
  paidOrdersBefore: number;
}

export interface PerformerInput {
  agentId: number;
  tier: string | null;
  certification: Certification | null;
}

export interface RecurrenceInput {
  isFirstInvoice: boolean;
  /** Whether a sales rule already earned for this client on an earlier invoice. */
  earnedBefore(ruleId: string): boolean;
  /** Whether the invoice was paid within `months` of the client's referral. */
  withinMonths(months: number): boolean;
}

export interface LineCommission {
  agentId: number;
  role: 'sales' | 'technical' | 'sales+technical';
  tier: string | null;
  /** The sales rule that applied, if any: what a one-off rule looks for on later invoices. */
  salesRule: string | null;
  parts: RatePart[];
  amount: Minor;
}

function specificity(r: ProgramRule): number {
  return r.products.length ? 2 : r.categories.length ? 1 : 0;
}

function matchesLine(r: ProgramRule, line: LineInput): boolean {
  if (r.products.length) return line.productId !== null && r.products.includes(line.productId);
  if (r.categories.length) return line.category !== null && r.categories.includes(line.category);
  return true;
}

function matchesTier(r: ProgramRule, tier: string | null): boolean {
  return !r.tiers.length || (tier !== null && r.tiers.includes(tier));
}

function recurs(r: ProgramRule, rec: RecurrenceInput): boolean {
  if (r.recurrence === 'first_invoice') return rec.isFirstInvoice;
  if (r.recurrence === 'once') return !rec.earnedBefore(r.id);
  if (r.recurrence === 'months') return rec.withinMonths(r.months ?? 0);
  return true;
}

/** The most specific rule of a role for this line and tier; equal specificity cannot overlap. */
function pick(def: ProgramDefinition, role: ProgramRule['role'], line: LineInput, tier: string | null): ProgramRule | null {
  let best: ProgramRule | null = null;
  for (const r of def.rules) {
    if (r.never || r.role !== role || !matchesLine(r, line) || !matchesTier(r, tier)) continue;
    if (!best || specificity(r) > specificity(best)) best = r;
  }
  return best;
}

export function levelMultiplier(def: ProgramDefinition, paidOrdersBefore: number): number | undefined {
  const [first] = def.levels;
  if (!first) return undefined;
  let m = first.multiplier_bp;
  for (const l of def.levels) if (paidOrdersBefore >= l.min_paid_orders) m = l.multiplier_bp;
  return m;
}

/**
 * The one rounding of a commission: every percentage part is summed exactly as a fraction of
 * the line (bp × multiplier / 10^8), rounded half away from zero once, then fixed parts added.
 */
export function amountOf(base: Minor, parts: RatePart[]): Minor {
  let numerator = 0n;
  let fixed = 0n;
  for (const p of parts) {
    if (p.fixedMinor !== undefined) fixed += BigInt(p.fixedMinor);
    if (p.bp !== undefined) numerator += BigInt(p.bp) * BigInt(p.multiplierBp ?? 10_000);
  }
  return minor(roundHalfAwayFromZero(BigInt(base) * numerator, 100_000_000n) + fixed);
}

/**
 * What one paid invoice line earns, and for whom, under one program's terms. Pure: the caller
 * gathers the facts (tier, certification, targets, first invoice) and stores the result.
 */
export function commissionsForLine(def: ProgramDefinition, line: LineInput, sales: SalesAgentInput | null, performer: PerformerInput | null, rec: RecurrenceInput): LineCommission[] {
  if (line.amount <= 0) return [];
  if (def.rules.some((r) => r.never && matchesLine(r, line))) return [];

  const salesParts: RatePart[] = [];
  let salesRule: string | null = null;
  if (sales) {
    const rule = pick(def, 'sales', line, sales.tier);
    if (rule && recurs(rule, rec)) {
      salesRule = rule.id;
      const multiplierBp = levelMultiplier(def, sales.paidOrdersBefore);
      if (rule.rate_bp !== undefined) salesParts.push({ kind: 'sales', rule: rule.id, bp: rule.rate_bp, multiplierBp });
      if (rule.agent_rate && def.agent_rate) {
        const own = sales.rateBp ?? def.agent_rate.default_bp;
        const bp = Math.min(def.agent_rate.max_bp, Math.max(def.agent_rate.min_bp, own));
        salesParts.push({ kind: 'agent_rate', rule: rule.id, bp, multiplierBp });
      }
      if (rule.fixed !== undefined) salesParts.push({ kind: 'fixed', rule: rule.id, fixedMinor: parseAmount(rule.fixed, currency(def.currency)) });
    }
  }

  const techParts: RatePart[] = [];
  if (performer) {
    const rule = pick(def, 'technical', line, performer.tier);
    if (rule && recurs(rule, rec)) {
      const bp = rule.rate_by_certification ? (performer.certification ? rule.rate_by_certification[performer.certification] : undefined) : rule.rate_bp;
      if (bp !== undefined) techParts.push({ kind: 'technical', rule: rule.id, bp, certification: performer.certification ?? undefined });
      if (rule.fixed !== undefined) techParts.push({ kind: 'fixed', rule: rule.id, fixedMinor: parseAmount(rule.fixed, currency(def.currency)) });
    }
  }

  const make = (agentId: number, role: LineCommission['role'], tier: string | null, parts: RatePart[]): LineCommission | null => {
    const amount = amountOf(line.amount, parts);
    return amount > 0 ? { agentId, role, tier, salesRule: role === 'technical' ? null : salesRule, parts, amount } : null;
  };
  const out: (LineCommission | null)[] = [];
  if (sales && performer && sales.agentId === performer.agentId && salesParts.length && techParts.length) {
    // One agent who sold and performed the work: one commission, the rates stacked, one rounding.
    out.push(make(sales.agentId, 'sales+technical', sales.tier, [...salesParts, ...techParts]));
  } else {
    if (sales && salesParts.length) out.push(make(sales.agentId, 'sales', sales.tier, salesParts));
    if (performer && techParts.length) out.push(make(performer.agentId, 'technical', performer.tier, techParts));
  }
  return out.filter((c): c is LineCommission => c !== null);
}

/**
 * The month's target bonus on one sales commission, landed at month close as a line of its own:
 * the tier's bonus rate on the line, worked out so that the sale and its bonus together are what
 * one commission with every rate stacked would have been (one rounding: 20 + 40 + 3 = 63 % of KES
 * 12,000.00 is KES 7,560.00, the sale's KES 7,200.00 and the bonus's KES 360.00). Null when the
 * tier pays no bonus or the commission already carries one.
 */
export function targetBonus(def: ProgramDefinition, tier: string | null, base: Minor, parts: RatePart[]): { part: RatePart; amount: Minor } | null {
  const bp = def.tiers.find((t) => t.key === tier)?.target_bonus_bp ?? 0;
  if (bp <= 0 || tier === null || parts.some((p) => p.kind === 'bonus') || !parts.some((p) => p.kind === 'sales' || p.kind === 'agent_rate' || p.kind === 'fixed')) return null;
  const part: RatePart = { kind: 'bonus', rule: `tier:${tier}`, bp };
  const amount = minor(amountOf(base, [...parts, part]) - amountOf(base, parts));
  return amount > 0 ? { part, amount } : null;
}
