import type { HookHandler } from '../module/contract/hooks';
import type { AttributionService } from '../module/attribution/attribution-service';
import type { QuoteService } from '../module/quotes/quote-service';
import { fitOrIgnored, parseHook, type HookBase } from './parse';

/** A new client: attribute them to the agent whose quote they signed up from, referral code they typed or cookie they carry. */
export const clientAdd =
  ({ logger, state }: HookBase, attribution: Pick<AttributionService, 'onClientAdd'>, quotes: Pick<QuoteService, 'onClientAdd'>): HookHandler =>
  async (raw, ctx) => {
    const vars = parseHook('ClientAdd', raw, logger);
    if (!state.active) return;
    // ClientDetailsValidation refuses a code that cannot be one; a host that skipped it still
    // gets its client attributed by the cookie, and the code is logged, not the hook failed.
    const referralCode = fitOrIgnored('ClientAdd', 'referral_code', vars.referral_code, logger, { clientId: vars.client_id });
    const cookies = ctx?.request?.cookies ?? {};
    await attribution.onClientAdd(vars.client_id, cookies, { email: vars.email, referralCode });
    await quotes.onClientAdd(vars.client_id, cookies, vars.email);
  };
