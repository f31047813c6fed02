import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A paid invoice: commissions for the referring agent, pending for the program's hold; then the agents hear of it. */
export const invoicePaid =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoicePaid', raw, core.logger);
    if (!core.active) return;
    await core.commissions.onInvoicePaid(vars.invoiceid);
    await core.notifications.invoicePaid(vars.invoiceid);
  };
