import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, isDeadlock, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { Ledger } from '../ledger/ledger';
import { minor } from '../money/amount';
import { requireInvoice } from './invoices';
import { lockInvoice } from './invoice-lock';
import { takeBackRefund } from './take-back';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';

export interface Refund {
  amountMinor?: number;
  refundId?: string;
  lineIds?: number[];
}

/**
 * A refund, whole or partial, takes back the same share of each commission that the refunded
 * lines earned (all lines when the host does not say which): see takeBackRefund. Each refund
 * counts once (by the host's refund id). It holds the invoice's lock, as InvoicePaid does: a
 * payment being worked out meanwhile either committed first (and its commissions are taken back
 * here) or finds this refund when it commits (and takes it back from what it writes).
 */
export class RefundService {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getInvoice'>,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly clock: Clock,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  /**
   * Takes the refund back; says how many commissions changed and the refund's key (see refundKey),
   * under which the hook records it done. A deadlock's victim starts again: the take-back locks
   * commission rows then their agents, a forfeiture the agent then its commissions.
   */
  async onInvoiceRefunded(invoiceId: number, refund: Refund = {}): Promise<{ changed: number; key: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.refundOnce(invoiceId, refund);
      } catch (e) {
        if (attempt >= 3 || !isDeadlock(e)) throw e;
      }
    }
  }

  private async refundOnce(invoiceId: number, refund: Refund): Promise<{ changed: number; key: string }> {
    const invoice = await requireInvoice(this.host, invoiceId);
    const lineIds = refund.lineIds;
    const lines = lineIds ? invoice.lines.filter((l) => lineIds.includes(l.id)) : invoice.lines;
    if (lineIds && lines.length !== lineIds.length)
      throw new RuleError('commissions.error.no_line', undefined, { invoice: invoiceId, line: String(lineIds.find((id) => !lines.some((l) => l.id === id))) });
    const base = minor(lines.reduce((sum, l) => sum + l.amount_minor, 0));
    const refunded = minor(Math.min(refund.amountMinor ?? base, base));
    const key = refundKey(refund, base);
    try {
      return await inTransaction(this.db, async (trx) => {
        await lockInvoice(trx, invoiceId);
        const [refundRow] = await trx(T.refunds).insert({
          invoice_id: invoiceId,
          refund_key: `${invoiceId}:${key}`,
          amount_minor: refunded,
          line_ids: lineIds ? JSON.stringify(lineIds) : null,
          created_at: this.clock.now(),
        });
        if (refundRow === undefined) throw new Error('the refund was inserted, but the database gave back no id for it');
        const changed = await takeBackRefund(trx, this.ledger, invoice, { id: refundRow, amount: refunded, lineIds: lineIds ?? null }, undefined, this.outbox);
        return { changed, key };
      });
    } catch (e) {
      // This refund was counted before (its key is taken): nothing more to take back.
      if (isUniqueViolation(e)) return { changed: 0, key };
      throw e;
    }
  }
}

/**
 * Which refund this is, the one key the refunds table, the hook's record and the reconciliation
 * share: the host's refund id when it gives one; else 'whole' for all of the invoice (no amount,
 * or an amount of at least the invoice's total, with no lines named), else the amount taken.
 * `base` is the total of the refunded lines (all of them when none are named).
 */
export function refundKey(refund: Refund, base: number): string {
  if (refund.refundId !== undefined) return refund.refundId;
  const refunded = Math.min(refund.amountMinor ?? base, base);
  return !refund.lineIds && refunded >= base ? 'whole' : `amount:${refunded}`;
}
