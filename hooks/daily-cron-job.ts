import type { HookHandler } from '../module/contract/hooks';
import type { ReleaseService } from '../module/commissions/release-service';
import type { WithdrawalService } from '../module/withdrawals/withdrawal-service';
import type { TierEvaluationService } from '../module/tiers';
import { parseHook, type HookBase } from './parse';

/**
 * Once a day: commissions whose hold has passed become available, then scheduled payouts. In
 * that order: a hold ends at the start of a day, so on a payout day the commissions released
 * that morning are in the payout, as the agent's page promised. Then the tiers: periods that
 * ended are evaluated (once each, catching up), and tier changes whose day has come applied.
 */
export const dailyCronJob =
  (
    { logger, state }: HookBase,
    releases: Pick<ReleaseService, 'releaseDue'>,
    withdrawals: Pick<WithdrawalService, 'runScheduledPayouts'>,
    tiers?: Pick<TierEvaluationService, 'runDaily'>,
  ): HookHandler =>
  async (raw) => {
    parseHook('DailyCronJob', raw ?? {}, logger);
    if (!state.active) return;
    const released = await releases.releaseDue();
    const payouts = await withdrawals.runScheduledPayouts();
    const evaluated = tiers ? await tiers.runDaily() : null;
    logger.info('daily cron', { released, payouts, ...(evaluated ? { tiers: evaluated } : {}) });
  };
