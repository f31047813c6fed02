import { z } from 'zod';

export const MODULE_NAME = 'agenttools';
export const MODULE_VERSION = '0.1.0';

/**
 * The addon's settings, in the WHMCS config() shape: each field has a friendly name, a type and a
 * default. They seed the default program (and link_hosts) when the module is first activated;
 * after that the program and the deep-link hosts are edited on the admin page.
 */
export const settingsFields = {
  currency: { FriendlyName: 'Currency', Type: 'text', Size: 3, Default: 'USD', Description: 'ISO 4217 code of the default program' },
  commission_percent: { FriendlyName: 'Commission %', Type: 'text', Size: 6, Default: '10', Description: 'Default share of each paid invoice line' },
  cookie_days: { FriendlyName: 'Cookie days', Type: 'text', Size: 4, Default: '90', Description: 'How long a referral link click is remembered' },
  hold_days: { FriendlyName: 'Hold days', Type: 'text', Size: 4, Default: '30', Description: 'Days a commission stays pending before it can be withdrawn' },
  payout_threshold: { FriendlyName: 'Withdrawal threshold', Type: 'text', Size: 10, Default: '50.00', Description: 'Smallest withdrawal, in the program currency' },
  timezone: { FriendlyName: 'Time zone', Type: 'text', Size: 32, Default: 'UTC', Description: 'IANA zone for hold periods and dates' },
  signin_minutes: { FriendlyName: 'Sign in as client: minutes', Type: 'text', Size: 4, Default: '60', Description: "How long an agent's session as a client lasts" },
  slug_approval: {
    FriendlyName: 'Vanity links',
    Type: 'dropdown',
    Options: 'admin,auto',
    Default: 'admin',
    Description: 'admin: an admin approves each /go/ link before it works; auto: it works at once',
  },
  self_referral: {
    FriendlyName: 'Self-referrals',
    Type: 'dropdown',
    Options: 'reject,flag',
    Default: 'reject',
    Description: "A sign-up with the agent's own e-mail or from their browser, or an invoice paid with their card: reject (not attributed, no commission) or flag (attributed, for admin review)",
  },
  link_hosts: { FriendlyName: 'Deep-link hosts', Type: 'text', Size: 60, Default: '', Description: "Comma-separated host names that /aff.php?to= may lead to, besides this site's own pages" },
} as const;

export const config = {
  name: 'Agent Tools',
  description: 'Agents, affiliates and partners: referral links, commissions, withdrawals, service managers.',
  author: 'Agent Tools',
  language: 'english',
  version: MODULE_VERSION,
  fields: settingsFields,
} as const;

export type SettingKey = keyof typeof settingsFields;

/** A percentage typed by a person ("12.5") as whole basis points, without floating point. */
export const percentText = z
  .string()
  .trim()
  .regex(/^\d{1,3}(\.\d{1,2})?$/, 'a percentage like 10 or 12.5')
  .transform((s) => {
    const [w, f = ''] = s.split('.');
    return Number(w) * 100 + Number(f.padEnd(2, '0'));
  })
  .refine((bp) => bp <= 10000, 'at most 100 %');
