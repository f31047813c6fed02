import type { Core } from '../module/agenttools';
import { UNFIT, type HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** A new client: attribute them to the agent whose quote they signed up from, referral code they typed or cookie they carry. */
export const clientAdd =
  (core: Core): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('ClientAdd', raw, core.logger);
    if (!core.active) return;
    // ClientDetailsValidation refuses a code that cannot be one; a host that skipped it still
    // gets its client attributed by the cookie, and the code is logged, not the hook failed.
    let referralCode = vars.referral_code;
    if (referralCode === UNFIT) {
      core.logger.warn('ClientAdd: an unfit referral code ignored', { clientId: vars.client_id });
      referralCode = undefined;
    }
    await core.attribution.onClientAdd(vars.client_id, ctx?.request?.cookies ?? {}, { email: vars.email, referralCode });
    await core.quotes.onClientAdd(vars.client_id);
  };
