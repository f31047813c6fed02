import type { Core } from '../module/agenttools';
import { UNFIT, type HookFieldErrors, type HookHandler } from '../module/contract/hooks';
import { UNKNOWN_CODE, acceptableCode } from './client-details-validation';
import { parseHook } from './parse';

/**
 * Order form: a typed referral code must name an active agent, or the form says so beside it. A
 * domain no name could be (too long, not text) is refused beside its field too; its finer form is
 * the host's to check.
 */
export const shoppingCartValidateCheckout =
  (core: Core): HookHandler =>
  async (raw): Promise<HookFieldErrors> => {
    const vars = parseHook('ShoppingCartValidateCheckout', raw, core.logger);
    if (!core.active) return {};
    const errors: HookFieldErrors = {};
    if (vars.domain === UNFIT) errors.domain = 'Enter a domain name such as example.com.';
    if (!(await acceptableCode(core, vars.referral_code))) errors.referral_code = UNKNOWN_CODE;
    return errors;
  };
