import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num } from '../db/columns';
import { minor, share } from '../money/amount';

/** The commission roles that are the agent's own sales (not work performed for another's client, nor a bonus). */
export const SALES_ROLES = ['sales', 'sales+technical'];
/** A sale counts while it stands: not refunded in full (voided, reversed), rejected or forfeited. */
export const STANDING = ['pending', 'available'];

/** What an agent sold in a stretch of time, measured (never ticked). */
export interface SalesFigures {
  /** Paid sales in the program's currency, in minor units, net of the share refunded. */
  salesMinor: number;
  /** Clients whose first paid invoice ever earned this agent a sales commission in the stretch. */
  newCustomers: number;
}

export const NO_FIGURES: SalesFigures = { salesMinor: 0, newCustomers: 0 };

export interface SalesScope {
  currency: string;
  from: number;
  to: number;
  programId?: number;
  agentId?: number;
}

/**
 * Paid sales and new paying customers per agent, the one measure that tiers' evaluation and the
 * monthly targets both use, so that an agent's page never shows two figures for one month.
 *
 * Paid sales are the base amounts (the invoice lines, in the program's currency) of the agent's
 * sales commissions made by the rules or an admin's order override, counted at the moment the
 * invoice was paid, less the share of each line taken back by a partial refund (the same exact
 * share the refund took of the commission). A line taken back in full (voided, reversed,
 * forfeited) or refused (rejected) no longer counts; a technical agent's share, a target bonus and
 * an admin's manual commission are not sales. Lines no rule pays at the agent's tier are not
 * measured: the figures are what the agent is paid on. A new paying customer is a client whose
 * first paid invoice (first_paid_orders) is one of those lines.
 *
 * One grouped query whatever the number of agents, and one for the few lines partly refunded.
 */
export async function salesFigures(db: Knex | Knex.Transaction, scope: SalesScope): Promise<Map<number, SalesFigures>> {
  const lines = () => {
    const q = db(`${T.commissions} as c`)
      .where('c.created_at', '>=', scope.from)
      .where('c.created_at', '<', scope.to)
      .where('c.currency', scope.currency)
      .whereNot('c.rule', 'like', 'manual:%')
      .whereIn('c.role', SALES_ROLES)
      .whereIn('c.status', STANDING);
    if (scope.programId !== undefined) void q.where('c.program_id', scope.programId);
    if (scope.agentId !== undefined) void q.where('c.agent_id', scope.agentId);
    return q;
  };
  const rows = asRows(
    await lines()
      .leftJoin(`${T.firstPaidOrders} as f`, function () {
        this.on('f.client_id', '=', 'c.client_id').andOn('f.invoice_id', '=', 'c.invoice_id');
      })
      .groupBy('c.agent_id')
      .select('c.agent_id')
      .sum({ sales: 'c.base_minor' })
      .select(db.raw('COUNT(DISTINCT CASE WHEN f.invoice_id IS NOT NULL THEN c.client_id END) AS new_customers')),
  );
  const out = new Map(rows.map((r) => [num(r.agent_id), { salesMinor: num(r.sales), newCustomers: num(r.new_customers) }]));
  const partlyRefunded = asRows(await lines().where('c.adjusted_minor', '>', 0).select('c.agent_id', 'c.base_minor', 'c.amount_minor', 'c.adjusted_minor'));
  for (const r of partlyRefunded) {
    const f = out.get(num(r.agent_id));
    const amount = minor(r.amount_minor);
    if (f && amount > 0) f.salesMinor -= share(minor(r.base_minor), minor(r.adjusted_minor), amount);
  }
  return out;
}
