import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A closed client stays in the agent's referrals, marked closed. */
export const clientClose =
  (core: Core): HookHandler =>
  async (raw) => {
    const vars = parseHook('ClientClose', raw, core.logger);
    if (!core.active) return;
    await core.attribution.markClosed(vars.userid);
  };
