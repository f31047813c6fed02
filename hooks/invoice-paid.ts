import type { HookHandler } from '../module/contract/hooks';
import type { EarningService } from '../module/commissions/earning-service';
import type { NotificationService } from '../module/notifications/notification-service';
import { PAID_KEY, type HostEventLog } from '../module/reconcile/host-event-log';
import { parseHook, type HookBase } from './parse';

/**
 * A paid invoice: commissions for the referring agent, pending for the program's hold; then the
 * record that it was done (the daily reconciliation redoes a payment without one); then the
 * agents hear of it.
 */
export const invoicePaid =
  ({ logger, state }: HookBase, earnings: Pick<EarningService, 'onInvoicePaid'>, events: Pick<HostEventLog, 'record'>, notifications: Pick<NotificationService, 'invoicePaid'>): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoicePaid', raw, logger);
    if (!state.active) return;
    const { outcome } = await earnings.onInvoicePaid(vars.invoiceid);
    await events.record('InvoicePaid', vars.invoiceid, PAID_KEY, outcome);
    await notifications.invoicePaid(vars.invoiceid);
  };
