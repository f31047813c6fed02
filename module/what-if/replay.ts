import { DateTime } from 'luxon';
import { planInvoice, targetBonus, type PerformerContext, type RecurrenceInput, type SalesContext } from '../commissions';
import type { Program } from '../programs/program-service';
import { minor, type Minor } from '../money/amount';
import type { InvoiceFacts } from './invoice-facts';
import { refundedOf } from './refund-share';

/** One commission the new terms would have made, net of the invoice's refunds. */
export interface Replayed {
  agentId: number;
  amount: Minor;
  currency: string;
}

/**
 * The sales rules each agent has earned for each client so far (`agent:client`): seeded with what
 * was recorded before the period, then what the replay itself makes, so that a one-off rule under
 * the new terms pays once.
 */
export type EarnedRules = Map<string, Set<string>>;

/**
 * What one paid invoice would have earned under `program` (the new terms): the engine's own
 * planInvoice on the facts gathered before, the target bonus where the month's targets were met,
 * the refunds taken back as take-back.ts would have, and what the agent forfeited forfeited again.
 * Pure but for `earned`, which it extends.
 */
export function replayInvoice(f: InvoiceFacts, program: Program, rates: Map<string, string | null>, earned: EarnedRules): Replayed[] {
  const { invoice } = f;
  let sales: SalesContext | null = null;
  if (f.sales) {
    const { agent, tier, referral, paidOrdersBefore } = f.sales;
    const key = `${agent.id}:${invoice.client_id}`;
    const since = referral ? DateTime.fromMillis(referral.createdAt, { zone: program.timezone }) : null;
    const rec: RecurrenceInput = {
      isFirstInvoice: referral === null || referral.firstPaidInvoiceId === null || referral.firstPaidInvoiceId === invoice.id,
      earnedBefore: (ruleId) => earned.get(key)?.has(ruleId) ?? false,
      withinMonths: (n) => since === null || f.paidAt < since.plus({ months: n }).toMillis(),
    };
    sales = { agent, program, input: { agentId: agent.id, tier, rateBp: agent.rateBp, paidOrdersBefore }, rec };
  }
  const performers = new Map<number, PerformerContext>();
  for (const [lineId, p] of f.performers) performers.set(lineId, { agent: p.agent, program, input: { agentId: p.agent.id, tier: p.tier, certification: p.agent.certification } });

  const out: Replayed[] = [];
  const total = minor(invoice.total_minor);
  // A line whose recorded commission the agent forfeited (a failed probation) is forfeited under the new terms too.
  const forfeited = new Set(f.recorded.filter((c) => c.status === 'forfeited').map((c) => `${c.agentId}:${c.invoiceLineId}`));
  for (const planned of planInvoice(invoice, sales, performers, rates, null)) {
    const c = planned.commission;
    if (!c) continue;
    const lineId = planned.line.id;
    const net = (amount: Minor) => (forfeited.has(`${c.agentId}:${lineId}`) ? minor(0) : minor(amount - refundedOf(amount, lineId, invoice.lines, total, f.refunds)));
    out.push({ agentId: c.agentId, amount: net(c.amount), currency: program.currency });
    if (c.role === 'technical') continue;
    if (c.salesRule) {
      const key = `${c.agentId}:${invoice.client_id}`;
      earned.set(key, (earned.get(key) ?? new Set()).add(c.salesRule));
    }
    if (!f.bonusLines.has(`${c.agentId}:${lineId}`)) continue;
    const bonus = targetBonus(program.def, c.tier, planned.base ?? minor(planned.line.amount_minor), c.parts);
    if (bonus) out.push({ agentId: c.agentId, amount: net(bonus.amount), currency: program.currency });
  }
  return out;
}
