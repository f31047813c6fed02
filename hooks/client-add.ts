import type { Core } from '../module/agenttools';
import type { HookHandler } from '../module/contract/hooks';
import { fitOrIgnored, parseHook } from './parse';

/** A new client: attribute them to the agent whose quote they signed up from, referral code they typed or cookie they carry. */
export const clientAdd =
  (core: Core): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('ClientAdd', raw, core.logger);
    if (!core.active) return;
    // ClientDetailsValidation refuses a code that cannot be one; a host that skipped it still
    // gets its client attributed by the cookie, and the code is logged, not the hook failed.
    const referralCode = fitOrIgnored('ClientAdd', 'referral_code', vars.referral_code, core.logger, { clientId: vars.client_id });
    await core.attribution.onClientAdd(vars.client_id, ctx?.request?.cookies ?? {}, { email: vars.email, referralCode });
    await core.quotes.onClientAdd(vars.client_id);
  };
