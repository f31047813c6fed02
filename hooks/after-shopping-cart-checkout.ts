import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/**
 * A new order: a code typed or a registered domain ordered may make the client an agent's (first,
 * so that this agent hears of the order); then the client's agents hear of it.
 */
export const afterShoppingCartCheckout =
  (core: Core): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('AfterShoppingCartCheckout', raw, core.logger);
    if (!core.active) return;
    try {
      await core.attribution.onCheckout(vars.ClientID, vars.OrderID, ctx?.request?.cookies ?? {}, { referralCode: vars.referral_code, domain: vars.domain });
    } finally {
      await core.notifications.orderPlaced(vars.OrderID, vars.InvoiceID, vars.ClientID);
    }
  };
