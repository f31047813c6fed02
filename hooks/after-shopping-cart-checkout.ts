import type { FormField, HookHandler } from '../module/contract/hooks';
import type { AttributionService } from '../module/attribution/attribution-service';
import type { NotificationService } from '../module/notifications/notification-service';
import { fitOrIgnored, parseHook, type HookBase } from './parse';

/**
 * A new order: a code typed or a registered domain ordered may make the client an agent's (first,
 * so that this agent hears of the order); then the client's agents hear of it. A code or domain
 * that cannot be one (too long, not text) is ignored and logged: the order is placed already, and
 * its agents hear of it all the same.
 */
export const afterShoppingCartCheckout =
  ({ logger, state }: HookBase, attribution: Pick<AttributionService, 'onCheckout'>, notifications: Pick<NotificationService, 'orderPlaced'>): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('AfterShoppingCartCheckout', raw, logger);
    if (!state.active) return;
    const context = { orderId: vars.OrderID, clientId: vars.ClientID };
    const usable = (field: string, value: FormField) => fitOrIgnored('AfterShoppingCartCheckout', field, value, logger, context);
    try {
      const details = { referralCode: usable('referral_code', vars.referral_code), domain: usable('domain', vars.domain) };
      await attribution.onCheckout(vars.ClientID, vars.OrderID, ctx?.request?.cookies ?? {}, details);
    } finally {
      await notifications.orderPlaced(vars.OrderID, vars.InvoiceID, vars.ClientID);
    }
  };
