import type { HookFieldErrors, HookHandler } from '../module/contract/hooks';
import type { ReferralClaims } from '../module/attribution/referral-claims';
import { parseHook, type HookBase } from './parse';

/** Sign-up form: a typed referral code must name an active agent, or the form says so beside it. */
export const clientDetailsValidation =
  ({ logger, state }: HookBase, claims: Pick<ReferralClaims, 'typedCodeError'>): HookHandler =>
  async (raw): Promise<HookFieldErrors> => {
    const vars = parseHook('ClientDetailsValidation', raw, logger);
    if (!state.active) return {};
    const error = await claims.typedCodeError(vars.referral_code);
    return error ? { referral_code: error } : {};
  };
