import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** Once a day: commissions whose hold has passed become available. */
export const dailyCronJob =
  (core: Core): HookHandler =>
  async (raw) => {
    parseHook('DailyCronJob', raw ?? {}, core.logger);
    if (!core.active) return;
    const released = await core.commissions.releaseDue();
    core.logger.info('daily cron', { released });
  };
