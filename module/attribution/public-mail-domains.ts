/**
 * Public e-mail providers: anyone can have an address there, so a registration of one of these
 * would give its registrant every customer who signs up with a free mailbox. Refused, with their
 * subdomains. Not exhaustive — the largest providers, and their regional domains people type.
 */
export const PUBLIC_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com', 'googlemail.com',
  'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'live.com', 'msn.com',
  'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.co.in', 'ymail.com', 'rocketmail.com',
  'aol.com', 'icloud.com', 'me.com', 'mac.com',
  'proton.me', 'protonmail.com', 'pm.me', 'tutanota.com', 'tuta.io', 'fastmail.com', 'hey.com',
  'gmx.com', 'gmx.net', 'gmx.de', 'web.de', 'mail.com', 'zoho.com', 'zohomail.com',
  'yandex.com', 'yandex.ru', 'ya.ru', 'mail.ru', 'rambler.ru',
  'qq.com', '163.com', '126.com', 'naver.com', 'rediffmail.com',
]);

/** True for a provider's domain or any name under it (normalised, as normaliseDomain gives it). */
export function isPublicMailDomain(domain: string): boolean {
  const labels = domain.split('.');
  for (let i = 0; i < labels.length - 1; i++) if (PUBLIC_MAIL_DOMAINS.has(labels.slice(i).join('.'))) return true;
  return false;
}
