import type { HookHandler } from '../module/contract/hooks';
import type { RefundService } from '../module/commissions/refund-service';
import type { HostEventLog } from '../module/reconcile/host-event-log';
import { parseHook, type HookBase } from './parse';

/**
 * A refund, whole or partial: the same share of the invoice's commissions is taken back; then the
 * record that it was done, which the daily reconciliation looks for.
 */
export const invoiceRefunded =
  ({ logger, state }: HookBase, refunds: Pick<RefundService, 'onInvoiceRefunded'>, events: Pick<HostEventLog, 'record'>): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoiceRefunded', raw, logger);
    if (!state.active) return;
    const refund = { amountMinor: vars.amount_minor, refundId: vars.refund_id, lineIds: vars.line_ids };
    // Recorded under the key the refund was counted by, which the reconciliation works out the same way.
    const { changed, key } = await refunds.onInvoiceRefunded(vars.invoiceid, refund);
    await events.record('InvoiceRefunded', vars.invoiceid, key, `changed:${changed}`);
  };
