import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A refund, whole or partial: the same share of the invoice's commissions is taken back. */
export const invoiceRefunded =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoiceRefunded', raw, core.logger);
    if (!core.active) return;
    await core.commissions.onInvoiceRefunded(vars.invoiceid, { amountMinor: vars.amount_minor, refundId: vars.refund_id, lineIds: vars.line_ids });
  };
