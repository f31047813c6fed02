import type { SettingsStore } from '../settings/settings-store';
import { SELF_REFERRAL_SETTING, selfReferralMode, type SelfReferralMode } from './self-referral';

export { SELF_REFERRAL_MODES, sameMailbox } from './self-referral';

/** The admin's `self_referral` setting: reject a sign-up that looks like the agent's own, or flag it for review. */
export class SelfReferralService {
  constructor(private readonly settings: Pick<SettingsStore, 'get' | 'set'>) {}

  async mode(): Promise<SelfReferralMode> {
    return selfReferralMode.parse(await this.settings.get(SELF_REFERRAL_SETTING));
  }

  async setMode(mode: SelfReferralMode): Promise<void> {
    await this.settings.set(SELF_REFERRAL_SETTING, mode);
  }
}
