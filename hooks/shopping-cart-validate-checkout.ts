import type { Core } from '../module/agenttools';
import type { HookFieldErrors, HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

/** Order form: a typed referral code must name an active agent, or the form says so beside it. */
export const shoppingCartValidateCheckout =
  (core: Core): HookHandler =>
  async (raw): Promise<HookFieldErrors> => {
    const vars = parseHook('ShoppingCartValidateCheckout', raw, core.logger);
    if (!core.active || !vars.referral_code?.trim()) return {};
    if (await core.attribution.isKnownCode(vars.referral_code)) return {};
    return { referral_code: 'There is no agent with this referral code. Check it, or leave the field empty.' };
  };
