import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A suspended service: the client's agents hear of it. */
export const afterModuleSuspend =
  (core: Core): HookHandler =>
  async (raw) => {
    const { params } = parseHook('AfterModuleSuspend', raw, core.logger);
    if (!core.active) return;
    await core.notifications.serviceSuspended(params.serviceid, params.userid, params.pid);
  };
