import type { HookHandler } from '../module/contract/hooks';
import type { TargetService } from '../module/targets/target-service';
import type { ProbationService } from '../module/probation/probation-service';
import { parseHook, type HookBase } from './parse';

/**
 * The daily cron's program-over-time steps around its own work: months that ended are closed
 * first (their target bonus lines keep their sale's hold, so those whose hold is over are released
 * by the same run), then the cron, then probations (warnings, passes, failures). Each step is
 * idempotent and catches up missed days in order; see TargetService and ProbationService.
 */
export const withProgramSteps =
  ({ logger, state }: HookBase, targets: Pick<TargetService, 'closeDue'>, probation: Pick<ProbationService, 'runDue'>, cron: HookHandler): HookHandler =>
  async (raw, ctx) => {
    parseHook('DailyCronJob', raw ?? {}, logger);
    const closed = state.active ? await targets.closeDue() : null;
    await cron(raw, ctx);
    if (!state.active) return;
    logger.info('daily program steps', { targets: closed, probation: await probation.runDue() });
  };
