import { z } from 'zod';

export const SELF_REFERRAL_SETTING = 'self_referral';

export const SELF_REFERRAL_MODES = ['reject', 'flag'] as const;
/** reject: the sign-up is not attributed; flag: it is, and waits in the admin's review queue. Unreadable means reject. */
export const selfReferralMode = z.enum(SELF_REFERRAL_MODES).catch('reject');
export type SelfReferralMode = z.infer<typeof selfReferralMode>;

/**
 * One mailbox, however it is written: case is ignored, and so is a +tag in the local part
 * (alice+shop@example.com reaches alice@example.com at most providers, which is the point).
 */
export function mailbox(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0) return email.trim().toLowerCase();
  const local = email.slice(0, at).replace(/\+.*/s, '');
  return `${local}@${email.slice(at + 1)}`.trim().toLowerCase();
}

export function sameMailbox(a: string, b: string): boolean {
  return mailbox(a) === mailbox(b);
}
