import type { HookHandler } from '../module/contract/hooks';
import type { RefundService } from '../module/commissions/refund-service';
import { parseHook, type HookBase } from './parse';

/** A refund, whole or partial: the same share of the invoice's commissions is taken back. */
export const invoiceRefunded =
  ({ logger, state }: HookBase, refunds: Pick<RefundService, 'onInvoiceRefunded'>): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoiceRefunded', raw, logger);
    if (!state.active) return;
    await refunds.onInvoiceRefunded(vars.invoiceid, { amountMinor: vars.amount_minor, refundId: vars.refund_id, lineIds: vars.line_ids });
  };
