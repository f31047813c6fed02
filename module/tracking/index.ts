// What other capabilities use of tracking besides its services: the referral cookie's name and
// reader, how a click's source is written, and the check of a landing page.
export { REFERRAL_COOKIE, ReferralCookie } from './referral-cookie';
export { DEFAULT_SOURCE, clickSource, sourceName } from './source';
export { deepLinkTarget } from './deep-link';
export type { Click } from './click-recorder';
