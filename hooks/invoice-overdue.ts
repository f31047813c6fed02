import type { HookHandler } from '../module/contract/hooks';
import type { NotificationService } from '../module/notifications/notification-service';
import { parseHook, type HookBase } from './parse';

/** An invoice past its due date: the client's agents hear of it, and may remind the client. */
export const invoiceOverdue =
  ({ logger, state }: HookBase, notifications: Pick<NotificationService, 'invoiceOverdue'>): HookHandler =>
  async (raw) => {
    const vars = parseHook('InvoiceOverdue', raw, logger);
    if (!state.active) return;
    await notifications.invoiceOverdue(vars.invoiceid);
  };
