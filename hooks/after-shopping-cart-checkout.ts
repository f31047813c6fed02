import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A new order: the client's agents hear of it. */
export const afterShoppingCartCheckout =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('AfterShoppingCartCheckout', raw, core.logger);
    if (!core.active) return;
    await core.notifications.orderPlaced(vars.OrderID, vars.InvoiceID, vars.ClientID);
  };
