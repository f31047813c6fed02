import type { Core } from '../module/agenttools';
import type { HookFieldErrors, HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** Sign-up form: a typed referral code must name an active agent, or the form says so beside it. */
export const clientDetailsValidation =
  (core: Core): HookHandler =>
  async (raw): Promise<HookFieldErrors> => {
    const vars = parseHook('ClientDetailsValidation', raw, core.logger);
    if (!core.active) return {};
    const error = await core.attribution.typedCodeError(vars.referral_code);
    return error ? { referral_code: error } : {};
  };
