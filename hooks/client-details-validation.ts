import type { Core } from '../module/agenttools';
import { UNFIT, type FormField, type HookFieldErrors, type HookHandler } from '../module/contract/hooks';
import { parseHook } from './parse';

export const UNKNOWN_CODE = 'There is no agent with this referral code. Check it, or leave the field empty.';

/** Sign-up form: a typed referral code must name an active agent, or the form says so beside it. */
export const clientDetailsValidation =
  (core: Core): HookHandler =>
  async (raw): Promise<HookFieldErrors> => {
    const vars = parseHook('ClientDetailsValidation', raw, core.logger);
    if (!core.active || (await acceptableCode(core, vars.referral_code))) return {};
    return { referral_code: UNKNOWN_CODE };
  };

/**
 * Empty, or the code of an active agent. One too long to be any code, or not text at all, names
 * no agent either: it is refused like a typo, not by the hook failing (which would let it through).
 */
export async function acceptableCode(core: Core, code: FormField): Promise<boolean> {
  if (code === UNFIT) return false;
  return !code?.trim() || core.attribution.isKnownCode(code);
}
