import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** Once a day: commissions whose hold has passed become available, then scheduled payouts. */
export const dailyCronJob =
  (core: Core): HookHandler =>
  async (raw) => {
    parseHook('DailyCronJob', raw ?? {}, core.logger);
    if (!core.active) return;
    const released = await core.commissions.releaseDue();
    const payouts = await core.withdrawals.runScheduledPayouts();
    core.logger.info('daily cron', { released, payouts });
  };
