import { domainToASCII } from 'node:url';
import { getDomain } from 'tldts';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// URL syntax around a host: the WHATWG parser would quietly cut the name at these or decode them.
const NOT_IN_A_NAME = /[\s/\\@:?#[\]%]/;
// The Public Suffix List with its private section: github.io and blogspot.com hand out names to
// anyone, as co.uk does. The names given are already hostnames, so tldts need not parse a URL.
const PSL = { allowPrivateDomains: true, extractHostname: false } as const;

/**
 * A domain name as stored and compared: trimmed, lower case, without the trailing dot of a fully
 * qualified name, internationalised names in punycode (bücher.de is xn--bcher-kva.de). Null when
 * it is not a hostname with at least one dot and an alphabetic top level (IP addresses are not).
 */
export function normaliseDomain(raw: string): string | null {
  let name = raw.trim().toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (!name || name.length > 1000 || NOT_IN_A_NAME.test(name)) return null;
  const ascii = domainToASCII(name);
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TOP_LABEL.test(labels.at(-1) ?? '')) return null;
  return ascii;
}

/**
 * The name under which everything below belongs to one holder: acme.co.uk for shop.acme.co.uk.
 * A user's site under a platform's suffix is its own (alice.github.io), as acme.co.uk is under
 * co.uk. Null for a public suffix itself. A top level missing from the list (.example, .test)
 * counts as a suffix of one label, so acme.example is registrable.
 */
export function registrableDomain(domain: string): string | null {
  return getDomain(domain, PSL);
}

/**
 * A public suffix (co.uk, sc.ke, info.ke, github.io, blogspot.com): a registry or a platform hands
 * out names under it, to anyone, so a registration of it would take every customer beneath.
 */
export function isRegistrySuffix(domain: string): boolean {
  return registrableDomain(domain) === null;
}

/** The domain of an e-mail address, normalised; null when there is none. */
export function domainOfEmail(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at < 0 ? null : normaliseDomain(email.slice(at + 1));
}

/**
 * The name and every parent down to its registrable domain: mail.acme.co.uk, acme.co.uk (never
 * co.uk, which no one may register). None for a public suffix.
 */
export function selfAndParents(domain: string): string[] {
  const base = registrableDomain(domain);
  if (!base) return [];
  const out = [domain];
  let name = domain;
  while (name !== base) {
    name = name.slice(name.indexOf('.') + 1);
    out.push(name);
  }
  return out;
}

/** One name is the other or lies under it. */
export function sameOrNested(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}
