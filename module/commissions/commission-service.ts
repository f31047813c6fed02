import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { isUniqueViolation } from '../core/errors';
import type { HostApi, HostInvoice } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import type { AttributionService } from '../attribution/attribution-service';
import type { Ledger } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import { type Minor, minor, neg, percentOf } from '../money/amount';

export type CommissionStatus = 'pending' | 'available' | 'voided' | 'reversed';

export interface Commission {
  id: number;
  agentId: number;
  clientId: number;
  invoiceId: number;
  invoiceLineId: number;
  rule: string;
  base: Minor;
  rateBp: number;
  amount: Minor;
  currency: string;
  status: CommissionStatus;
  createdAt: number;
  availableAt: number;
}

function fromRow(r: Record<string, unknown>): Commission {
  return {
    id: Number(r.id),
    agentId: Number(r.agent_id),
    clientId: Number(r.client_id),
    invoiceId: Number(r.invoice_id),
    invoiceLineId: Number(r.invoice_line_id),
    rule: String(r.rule),
    base: minor(r.base_minor),
    rateBp: Number(r.rate_bp),
    amount: minor(r.amount_minor),
    currency: String(r.currency),
    status: String(r.status) as CommissionStatus,
    createdAt: Number(r.created_at),
    availableAt: Number(r.available_at),
  };
}

export type PaidOutcome = 'created' | 'duplicate' | 'not-referred' | 'agent-inactive' | 'currency-mismatch' | 'nothing-to-pay';

/** Turns a referred client's paid invoice into commissions, and a refund into their reversal. */
export class CommissionService {
  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly agents: AgentService,
    private readonly programs: ProgramService,
    private readonly attribution: AttributionService,
    private readonly ledger: Ledger,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async onInvoicePaid(invoiceId: number): Promise<{ outcome: PaidOutcome; commissions: number }> {
    const invoice = await this.requireInvoice(invoiceId);
    if (invoice.status !== 'Paid') throw new Error(`invoice ${invoiceId} is ${invoice.status}, not Paid`);
    const referral = await this.attribution.forClient(invoice.client_id);
    if (!referral) return { outcome: 'not-referred', commissions: 0 };
    const agent = await this.agents.get(referral.agentId);
    if (!agent || agent.status !== 'active') return { outcome: 'agent-inactive', commissions: 0 };
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agent.id} is missing`);
    if (invoice.currency !== program.currency) {
      this.logger.warn('invoice currency differs from the program currency; no commission', {
        invoiceId,
        invoiceCurrency: invoice.currency,
        programCurrency: program.currency,
      });
      return { outcome: 'currency-mismatch', commissions: 0 };
    }
    const paidAt = invoice.date_paid ?? this.clock.now();
    const availableAt = DateTime.fromMillis(paidAt, { zone: program.timezone }).plus({ days: program.holdDays }).toMillis();
    const lines = invoice.lines
      .map((line) => ({ line, amount: percentOf(minor(line.amount_minor), program.rateBp) }))
      .filter((l) => l.amount > 0);
    if (!lines.length) return { outcome: 'nothing-to-pay', commissions: 0 };

    try {
      await this.db.transaction(async (trx) => {
        for (const { line, amount } of lines) {
          const [id] = await trx(T.commissions).insert({
            agent_id: agent.id,
            program_id: program.id,
            client_id: invoice.client_id,
            invoice_id: invoice.id,
            invoice_line_id: line.id,
            rule: 'default',
            base_minor: line.amount_minor,
            rate_bp: program.rateBp,
            amount_minor: amount,
            currency: program.currency,
            status: 'pending',
            created_at: paidAt,
            available_at: availableAt,
          });
          await this.ledger.post(trx, {
            idemKey: `earn:${id}`,
            kind: 'earn',
            currency: program.currency,
            memo: `invoice ${invoice.id} line ${line.id}`,
            commissionId: Number(id),
            postings: [
              { agentId: HOUSE, account: 'commission_expense', amount: neg(amount) },
              { agentId: agent.id, account: 'pending', amount },
            ],
          });
        }
      });
    } catch (e) {
      // Another delivery of this event got there first; its commissions stand, ours roll back.
      if (isUniqueViolation(e)) return { outcome: 'duplicate', commissions: 0 };
      throw e;
    }
    return { outcome: 'created', commissions: lines.length };
  }

  /** A refunded invoice voids what is still pending and takes back what was already released. */
  async onInvoiceRefunded(invoiceId: number): Promise<number> {
    const rows = await this.db(T.commissions).where({ invoice_id: invoiceId }).whereIn('status', ['pending', 'available']);
    let changed = 0;
    for (const c of rows.map(fromRow)) {
      const kind = c.status === 'pending' ? 'void' : 'reverse';
      const from = c.status === 'pending' ? 'pending' : 'available';
      try {
        await this.db.transaction(async (trx) => {
          const n = await trx(T.commissions)
            .where({ id: c.id, status: c.status })
            .update({ status: kind === 'void' ? 'voided' : 'reversed' });
          if (!n) return;
          await this.ledger.post(trx, {
            idemKey: `${kind}:${c.id}`,
            kind,
            currency: c.currency,
            memo: `invoice ${invoiceId} refunded`,
            commissionId: c.id,
            postings: [
              { agentId: c.agentId, account: from, amount: neg(c.amount) },
              { agentId: HOUSE, account: 'commission_expense', amount: c.amount },
            ],
          });
          changed++;
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
      }
    }
    return changed;
  }

  /** Moves every commission whose hold has passed from pending to available. */
  async releaseDue(batchSize = 500): Promise<number> {
    let released = 0;
    let after = 0;
    for (;;) {
      const due = await this.db(T.commissions)
        .where('status', 'pending')
        .where('available_at', '<=', this.clock.now())
        .where('id', '>', after)
        .orderBy('id')
        .limit(batchSize);
      if (!due.length) return released;
      for (const c of due.map(fromRow)) {
        after = c.id;
        try {
          await this.db.transaction(async (trx) => {
            const n = await trx(T.commissions).where({ id: c.id, status: 'pending' }).update({ status: 'available' });
            if (!n) return;
            await this.ledger.post(trx, {
              idemKey: `release:${c.id}`,
              kind: 'release',
              currency: c.currency,
              memo: 'hold period over',
              commissionId: c.id,
              postings: [
                { agentId: c.agentId, account: 'pending', amount: neg(c.amount) },
                { agentId: c.agentId, account: 'available', amount: c.amount },
              ],
            });
            released++;
          });
        } catch (e) {
          if (!isUniqueViolation(e)) throw e;
        }
      }
    }
  }

  async listForAgent(agentId: number, limit = 100): Promise<Commission[]> {
    return (await this.db(T.commissions).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(fromRow);
  }

  async forInvoice(invoiceId: number): Promise<Commission[]> {
    return (await this.db(T.commissions).where({ invoice_id: invoiceId }).orderBy('id')).map(fromRow);
  }

  private async requireInvoice(invoiceId: number): Promise<HostInvoice> {
    const invoice = await this.host.getInvoice(invoiceId);
    if (!invoice) throw new Error(`invoice ${invoiceId} does not exist in the host`);
    return invoice;
  }
}
