import type { HookHandler } from '../module/contract/hooks';
import type { EarningService } from '../module/commissions/earning-service';
import type { NotificationService } from '../module/notifications/notification-service';
import { parseHook, type HookBase } from './parse';

/** A paid invoice: commissions for the referring agent, pending for the program's hold; then the agents hear of it. */
export const invoicePaid =
  ({ logger, state }: HookBase, earnings: Pick<EarningService, 'onInvoicePaid'>, notifications: Pick<NotificationService, 'invoicePaid'>): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoicePaid', raw, logger);
    if (!state.active) return;
    await earnings.onInvoicePaid(vars.invoiceid);
    await notifications.invoicePaid(vars.invoiceid);
  };
