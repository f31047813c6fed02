import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { SettingsStore } from '../settings/settings-store';
import { SLUG_APPROVALS, SLUG_APPROVAL_SETTING } from '../links';
import type { Actions } from '../http/action';
import type { AdminPageForm } from '../http/admin-page-form';
import { SELF_REFERRAL_MODES, type SelfReferralService } from './self-referral-service';

const signUpSettings = z.object({
  slug_approval: z.enum(SLUG_APPROVALS, { message: 'adminarea.error.slug_approval' }),
  self_referral: z.enum(SELF_REFERRAL_MODES, { message: 'adminarea.error.self_referral' }),
});

/** On the admin's home page: whether a short link waits for approval, and what a sign-up that looks like the agent's own does. */
export function signUpSettingsActions(form: AdminPageForm, settings: Pick<SettingsStore, 'set'>, selfReferral: Pick<SelfReferralService, 'setMode'>): Actions<HostAdmin> {
  return {
    setSignUpSettings: form('signUpSettings', signUpSettings, async (_admin, v) => {
      await settings.set(SLUG_APPROVAL_SETTING, v.slug_approval);
      await selfReferral.setMode(v.self_referral);
      return 'signUpSettings';
    }),
  };
}
