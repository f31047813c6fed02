import { parse } from 'cookie';

/**
 * One cookie from the Cookie header, without depending on the host's cookie parser (the referral
 * links run before it). Every click comes here, and most carry none of the module's cookies: a
 * header that does not hold the name is not parsed.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || !header.includes(name)) return undefined;
  return parse(header)[name];
}
