/**
 * One cookie from the Cookie header, without depending on the host's cookie parser (the referral
 * links run before it). The module's cookies are base64url and dots, which express writes
 * unescaped: nothing to decode.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header || !header.includes(name)) return undefined;
  const pair = header.split(/;\s*/).find((p) => p.startsWith(`${name}=`));
  return pair?.slice(name.length + 1);
}
