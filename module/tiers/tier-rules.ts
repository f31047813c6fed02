import type { ProgramDefinition, TierDefinition } from '../programs/definition';
import { parseAmount } from '../money/amount';
import { currency } from '../money/currencies';
import { itemMet, type ChecklistState } from './checklist';
import type { Figures } from './measurement';

/** An agent's figures over a stretch of `months` calendar months, with their paid orders so far. */
export interface Measured extends Figures {
  months: number;
  paidOrders: number;
}

/**
 * Whether the agent meets every requirement of the tier: the measured ones as an average per
 * month over `months` (compared exactly: the total against the monthly figure times the months),
 * the checklist as the admin answered it. A tier that states no requirements is never reached by
 * evaluation, only by an admin.
 */
export function meets(def: ProgramDefinition, tier: TierDefinition, m: Measured, checklist: ChecklistState, months = m.months): boolean {
  const r = tier.requirements;
  if (!r) return false;
  if (r.sales_per_month !== undefined && BigInt(m.salesMinor) < BigInt(parseAmount(r.sales_per_month, currency(def.currency))) * BigInt(months)) return false;
  if (r.new_customers_per_month !== undefined && m.newCustomers < r.new_customers_per_month * months) return false;
  if (r.paid_orders !== undefined && m.paidOrders < r.paid_orders) return false;
  return r.checklist.every((item) => itemMet(item, checklist.get(item.key)));
}

/** The highest tier whose requirements the agent meets; the default tier is the floor. */
export function decide(def: ProgramDefinition, m: Measured, checklist: ChecklistState, months = m.months): string | null {
  for (let i = def.tiers.length - 1; i >= 0; i--) {
    const tier = def.tiers[i];
    if (tier && tier.key !== def.default_tier && meets(def, tier, m, checklist, months)) return tier.key;
  }
  return def.default_tier ?? null;
}

/** A tier's place, lowest 0; an unknown or no tier ranks below every tier. */
export function rankOf(def: ProgramDefinition, tier: string | null): number {
  return def.tiers.findIndex((t) => t.key === tier);
}
