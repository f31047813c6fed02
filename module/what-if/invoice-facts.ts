import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { HostApi, HostInvoice } from '../contract/host-api';
import type { Agent, AgentService } from '../agents/agent-service';
import { commissionFromRow, type Commission } from '../commissions';
import { asRows, json, num, numberOrNull, rowOrNull, stringOrNull } from '../db/columns';
import { minor } from '../money/amount';
import type { ReplayRefund } from './refund-share';

export const SALES_ROLES = ['sales', 'sales+technical'];
const TARGET_BONUS_ROLE = 'target_bonus';

/** The client's referral as the replay reads it: where "N months" counts from, and its first paid invoice. */
export interface ReferralFacts {
  createdAt: number;
  firstPaidInvoiceId: number | null;
}

/** Everything the replay of one paid invoice reads, gathered before: the replay itself writes and reads nothing. */
export interface InvoiceFacts {
  invoice: HostInvoice;
  paidAt: number;
  /** This program's commissions recorded on the invoice, bonus lines included. */
  recorded: Commission[];
  /** Who sold, at which tier: the agent of the recorded sales commission, or the referral at the time. */
  sales: { agent: Agent; tier: string | null; referral: ReferralFacts | null; paidOrdersBefore: number } | null;
  /** Each line's performer in this program, at the tier their recorded commission shows. */
  performers: Map<number, { agent: Agent; tier: string | null }>;
  refunds: ReplayRefund[];
  /** `agent:line` of the sales lines that earned the month's target bonus. */
  bonusLines: Set<string>;
}

/**
 * Reads the facts of one invoice for the replay: only SELECTs, so that the what-if changes
 * nothing. The claim is the one the commissions were made under (their agent and tier); an
 * invoice that earned nothing is claimed by the client's referral of the time, unless an admin's
 * override of the order gave it to no one.
 */
export class InvoiceFactsReader {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getInvoice'>,
    private readonly agents: Pick<AgentService, 'get' | 'performersOf'>,
  ) {}

  async read(programId: number, invoiceId: number): Promise<InvoiceFacts | null> {
    const invoice = await this.host.getInvoice(invoiceId);
    if (!invoice || invoice.date_paid === null || (invoice.status !== 'Paid' && invoice.status !== 'Refunded')) return null;
    const paidAt = invoice.date_paid;
    const recorded = asRows(await this.db(T.commissions).where({ invoice_id: invoice.id, program_id: programId }).orderBy('id')).map(commissionFromRow);
    const refunds = asRows(await this.db(T.refunds).where({ invoice_id: invoice.id }).orderBy('id')).map((r) => {
      const ids = stringOrNull(r.line_ids);
      const parsed = ids === null ? null : json(ids);
      return { amount: minor(r.amount_minor), lineIds: Array.isArray(parsed) ? parsed.filter((i): i is number => typeof i === 'number') : null };
    });
    const bonusLines = new Set(recorded.filter((c) => c.role === TARGET_BONUS_ROLE && c.status !== 'rejected').map((c) => `${c.agentId}:${c.invoiceLineId}`));
    return { invoice, paidAt, recorded, sales: await this.salesOf(programId, invoice, paidAt, recorded), performers: await this.performersOf(programId, invoice, recorded), refunds, bonusLines };
  }

  private async salesOf(programId: number, invoice: HostInvoice, paidAt: number, recorded: Commission[]): Promise<InvoiceFacts['sales']> {
    const made = recorded.find((c) => SALES_ROLES.includes(c.role));
    const referralRow = rowOrNull(await this.db(T.referrals).where({ client_id: invoice.client_id }).first());
    let agentId = made?.agentId ?? null;
    if (agentId === null) {
      const override = rowOrNull(await this.db(T.orderReferrals).where({ invoice_id: invoice.id }).first('agent_id', 'program_id'));
      if (override) {
        agentId = numberOrNull(override.program_id) === programId ? numberOrNull(override.agent_id) : null;
      } else if (referralRow && num(referralRow.program_id) === programId && num(referralRow.created_at) <= paidAt) {
        const ended = numberOrNull(referralRow.ended_at);
        if (ended === null || ended > paidAt) agentId = num(referralRow.agent_id);
      }
    }
    if (agentId === null) return null;
    const agent = await this.agents.get(agentId);
    if (!agent || agent.programId !== programId || (!made && agent.status !== 'active')) return null;
    const referral = referralRow && num(referralRow.agent_id) === agentId ? { createdAt: num(referralRow.created_at), firstPaidInvoiceId: numberOrNull(referralRow.first_paid_invoice_id) } : null;
    // The paid orders the agent had before this one, as the level multiplier counted them then.
    const before = rowOrNull(
      await this.db(T.commissions)
        .where({ agent_id: agentId })
        .whereIn('role', SALES_ROLES)
        .where('created_at', '<', paidAt)
        .whereNot('invoice_id', invoice.id)
        .countDistinct({ n: 'invoice_id' })
        .first(),
    );
    return { agent, tier: made ? made.tier : agent.tier, referral, paidOrdersBefore: num(before?.n ?? 0) };
  }

  private async performersOf(programId: number, invoice: HostInvoice, recorded: Commission[]): Promise<InvoiceFacts['performers']> {
    const out: InvoiceFacts['performers'] = new Map();
    for (const [lineId, agentId] of await this.agents.performersOf(invoice.lines.map((l) => l.id))) {
      const agent = await this.agents.get(agentId);
      if (!agent || agent.programId !== programId) continue;
      const made = recorded.find((c) => c.agentId === agentId && c.invoiceLineId === lineId && c.role !== TARGET_BONUS_ROLE);
      out.set(lineId, { agent, tier: made ? made.tier : agent.tier });
    }
    return out;
  }
}
