import type { Knex } from 'knex';
import { minor, parseAmount, type Minor } from '../money/amount';
import { salesFigures } from '../commissions';
import { currency } from '../money/currencies';
import type { TierDefinition } from '../programs/definition';
import type { Month } from './month';

export { SALES_ROLES, STANDING } from '../commissions';

/** What an agent sold in a month: paid sales in the program's currency, net of refunds, and new paying customers. */
export interface MonthFigures {
  sales: Minor;
  newCustomers: number;
  currency: string;
}

/** The month's measured figures, by the one measure tiers use too (module/commissions/sales-figures.ts). */
export async function measureMonth(db: Knex | Knex.Transaction, agentId: number, cur: string, month: Month): Promise<MonthFigures> {
  const f = (await salesFigures(db, { agentId, currency: cur, from: month.start, to: month.end })).get(agentId);
  return { sales: minor(f?.salesMinor ?? 0), newCustomers: f?.newCustomers ?? 0, currency: cur };
}

/**
 * Whether the figures meet the tier's monthly targets: every measured requirement it names
 * (sales_per_month, new_customers_per_month). Null when it names none: nothing to measure, and
 * only an admin's decision can award that tier a bonus.
 */
export function meetsTargets(tier: TierDefinition | undefined, f: MonthFigures): boolean | null {
  const req = tier?.requirements;
  if (req?.sales_per_month === undefined && req?.new_customers_per_month === undefined) return null;
  if (req.sales_per_month !== undefined && f.sales < parseAmount(req.sales_per_month, currency(f.currency))) return false;
  if (req.new_customers_per_month !== undefined && f.newCustomers < req.new_customers_per_month) return false;
  return true;
}
