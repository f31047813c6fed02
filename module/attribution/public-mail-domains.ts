import { domainToASCII } from 'node:url';
import freeMail from 'email-providers/all.json';
import disposableMail from 'disposable-email-domains/index.json';

/**
 * Mailbox domains the public gets that email-providers (2.26) and disposable-email-domains (1.0.62)
 * lack, kept from the list this module had before it used them: privacy and regional free-mail
 * services, and ISPs that give every subscriber an address. test/domain-name.test.ts
 * fails once a package gains one of them, so that the entry goes.
 */
export const MAIL_DOMAINS_NOT_IN_PACKAGES: readonly string[] = [
  'aol.de',
  'aol.fr',
  'gmx.ch',
  'gmx.co.uk',
  'gmx.es',
  'gmx.us',
  'zohomail.com',
  'zohomail.eu',
  'zohomail.in',
  'tutanota.com',
  'tutanota.de',
  'tutamail.com',
  'tuta.io',
  'tuta.com',
  'fastmail.com',
  'posteo.de',
  'posteo.net',
  'mailfence.com',
  'startmail.com',
  'magenta.de',
  'vodafonemail.de',
  'mail.de',
  'aon.at',
  'chello.at',
  'bbox.fr',
  'numericable.fr',
  'tim.it',
  'fastwebnet.it',
  'telefonica.net',
  'ono.com',
  'ziggo.nl',
  'xs4all.nl',
  'op.pl',
  'atlas.cz',
  'mail.bg',
  'plus.com',
  'spectrum.net',
  'yandex.ua',
  'yandex.by',
  'yandex.kz',
  'internet.ru',
  'meta.ua',
  '139.com',
  '189.cn',
  'sohu.com',
  'au.com',
  'biglobe.ne.jp',
  'nifty.com',
  'ocn.ne.jp',
];

let domains: ReadonlySet<string> | null = null;

/**
 * Free-mail and throwaway domains, about 127,000. Built on the first registration, not at start:
 * reading the lists takes tens of milliseconds and megabytes that a node which never registers a domain need not spend.
 * The lists hold a few internationalised names as Unicode; the set holds them in punycode, as
 * normaliseDomain gives names.
 */
function publicMailDomains(): ReadonlySet<string> {
  domains ??= new Set(
    // eslint-disable-next-line no-control-regex -- the range from \x00 is "all ASCII": only other names need converting to punycode
    [...freeMail, ...disposableMail, ...MAIL_DOMAINS_NOT_IN_PACKAGES].map((d) => (/^[\x00-\x7f]*$/.test(d) ? d : domainToASCII(d))),
  );
  return domains;
}

/**
 * A public e-mail provider's domain, or a name under one: anyone can have an address there, so a
 * registration of it would give its registrant every customer who signs up with such a mailbox
 * (a registered domain beats the referral cookie). Takes a name as normaliseDomain gives it.
 */
export function isPublicMailDomain(domain: string): boolean {
  const known = publicMailDomains();
  for (let name = domain; name.includes('.'); name = name.slice(name.indexOf('.') + 1)) if (known.has(name)) return true;
  return false;
}
