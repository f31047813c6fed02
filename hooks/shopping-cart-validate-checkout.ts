import { UNFIT, type HookFieldErrors, type HookHandler } from '../module/contract/hooks';
import type { ReferralClaims } from '../module/attribution/referral-claims';
import { parseHook, type HookBase } from './parse';

/**
 * Order form: a typed referral code must name an active agent, or the form says so beside it. A
 * domain no name could be (too long, not text) is refused beside its field too; its finer form is
 * the host's to check.
 */
export const shoppingCartValidateCheckout =
  ({ logger, state }: HookBase, claims: Pick<ReferralClaims, 'typedCodeError'>): HookHandler =>
  async (raw): Promise<HookFieldErrors> => {
    const vars = parseHook('ShoppingCartValidateCheckout', raw, logger);
    if (!state.active) return {};
    const errors: HookFieldErrors = {};
    if (vars.domain === UNFIT) errors.domain = 'Enter a domain name such as example.com.';
    const codeError = await claims.typedCodeError(vars.referral_code);
    if (codeError) errors.referral_code = codeError;
    return errors;
  };
