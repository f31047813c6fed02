import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { Ledger } from '../ledger/ledger';
import { minor } from '../money/amount';
import { requireInvoice } from './invoices';
import { invoiceLockRow, lockInvoice } from './invoice-lock';
import { takeBackRefund } from './take-back';

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
  ) {}

  async onInvoiceRefunded(invoiceId: number, refund: Refund = {}): Promise<number> {
    const invoice = await requireInvoice(this.host, invoiceId);
    const lineIds = refund.lineIds;
    const lines = lineIds ? invoice.lines.filter((l) => lineIds.includes(l.id)) : invoice.lines;
    if (lineIds && lines.length !== lineIds.length) throw new Error(`invoice ${invoiceId} has no line ${lineIds.find((id) => !lines.some((l) => l.id === id))}`);
    const base = minor(lines.reduce((sum, l) => sum + l.amount_minor, 0));
    const refunded = minor(Math.min(refund.amountMinor ?? base, base));
    const key = refund.refundId ?? (refund.amountMinor === undefined && !lineIds ? 'whole' : `amount:${refunded}`);
    await invoiceLockRow(this.db, invoiceId);
    try {
      return await this.db.transaction(async (trx) => {
        await lockInvoice(trx, invoiceId);
        const [refundRow] = await trx(T.refunds).insert({
          invoice_id: invoiceId,
          refund_key: `${invoiceId}:${key}`,
          amount_minor: refunded,
          line_ids: lineIds ? JSON.stringify(lineIds) : null,
          created_at: this.clock.now(),
        });
        if (refundRow === undefined) throw new Error('the refund was inserted, but the database gave back no id for it');
        return takeBackRefund(trx, this.ledger, invoice, { id: refundRow, amount: refunded, lineIds: lineIds ?? null });
      });
    } catch (e) {
      // This refund was counted before (its key is taken): nothing more to take back.
      if (isUniqueViolation(e)) return 0;
      throw e;
    }
  }
}
