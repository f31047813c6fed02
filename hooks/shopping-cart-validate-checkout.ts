import type { Core } from '../module/agenttools';
import { UNFIT, type HookFieldErrors, type HookHandler } from '../module/contract/hooks';
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
    const codeError = await core.attribution.typedCodeError(vars.referral_code);
    if (codeError) errors.referral_code = codeError;
    return errors;
  };
