import type { HookHandler } from '../module/contract/hooks';
import type { AssignmentService } from '../module/attribution/assignment-service';
import { parseHook, type HookBase } from './parse';

/** A closed client stays in the agent's referrals, marked closed. */
export const clientClose =
  ({ logger, state }: HookBase, assignments: Pick<AssignmentService, 'markClosed'>): HookHandler =>
  async (raw) => {
    const vars = parseHook('ClientClose', raw, logger);
    if (!state.active) return;
    await assignments.markClosed(vars.userid);
  };
