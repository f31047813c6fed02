import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A new client: attribute them to the agent whose quote they signed up from, referral code they typed or cookie they carry. */
export const clientAdd =
  (core: Core): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('ClientAdd', raw, core.logger);
    if (!core.active) return;
    await core.attribution.onClientAdd(vars.client_id, ctx?.request?.cookies ?? {}, { email: vars.email, referralCode: vars.referral_code });
    await core.quotes.onClientAdd(vars.client_id);
  };
