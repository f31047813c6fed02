import type { HookHandler } from '../module/contract/hooks';
import type { NotificationService } from '../module/notifications/notification-service';
import { parseHook, type HookBase } from './parse';

/** A suspended service: the client's agents hear of it. */
export const afterModuleSuspend =
  ({ logger, state }: HookBase, notifications: Pick<NotificationService, 'serviceSuspended'>): HookHandler =>
  async (raw) => {
    const { params } = parseHook('AfterModuleSuspend', raw, logger);
    if (!state.active) return;
    await notifications.serviceSuspended(params.serviceid, params.userid, params.pid);
  };
