import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** An invoice past its due date: the client's agents hear of it, and may remind the client. */
export const invoiceOverdue =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoiceOverdue', raw, core.logger);
    if (!core.active) return;
    await core.notifications.invoiceOverdue(vars.invoiceid);
  };
