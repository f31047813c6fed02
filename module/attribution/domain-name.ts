import { domainToASCII } from 'node:url';

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// URL syntax around a host: the WHATWG parser would quietly cut the name at these or decode them.
const NOT_IN_A_NAME = /[\s/\\@:?#[\]%]/;
// Registries' own second levels under a country code (co.uk, com.au, or.ke): a registration of
// one would take every customer beneath it. A heuristic, not the Public Suffix List.
const REGISTRY_LABELS = new Set(['ac', 'co', 'com', 'edu', 'go', 'gob', 'gov', 'govt', 'ltd', 'me', 'mil', 'ne', 'net', 'nic', 'nom', 'or', 'org', 'plc', 'sch']);

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
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || !TOP_LABEL.test(labels[labels.length - 1]!)) return null;
  return ascii;
}

/** co.uk, com.au and the like: a name a registry hands out under, never a customer's own. */
export function isRegistrySuffix(domain: string): boolean {
  const labels = domain.split('.');
  return labels.length === 2 && labels[1]!.length === 2 && REGISTRY_LABELS.has(labels[0]!);
}

/** The domain of an e-mail address, normalised; null when there is none. */
export function domainOfEmail(email: string): string | null {
  const at = email.lastIndexOf('@');
  return at < 0 ? null : normaliseDomain(email.slice(at + 1));
}

/** The name and every parent with two labels or more: mail.acme.com, acme.com. */
export function selfAndParents(domain: string): string[] {
  const labels = domain.split('.');
  const out: string[] = [];
  for (let i = 0; i <= labels.length - 2; i++) out.push(labels.slice(i).join('.'));
  return out;
}

/** One name is the other or lies under it. */
export function sameOrNested(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}
