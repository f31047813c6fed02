import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A refunded invoice: its commissions are voided, or taken back if already released. */
export const invoiceRefunded =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoiceRefunded', raw, core.logger);
    if (!core.active) return;
    await core.commissions.onInvoiceRefunded(vars.invoiceid);
  };
