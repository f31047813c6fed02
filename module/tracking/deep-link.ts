import { z } from 'zod';

export const MAX_TARGET_LENGTH = 2000;

const hostName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/, 'settings.error.host_names');

/** The `link_hosts` setting: comma-separated host names a deep link may lead to; empty by default. Its messages are lang keys. */
export const linkHostsText = z
  .string()
  .max(2000, 'form.error.max_length')
  .transform((s) =>
    s
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
  )
  .pipe(z.array(hostName).max(100, 'settings.error.too_many_hosts'))
  .transform((hosts) => [...new Set(hosts)]);

/**
 * Where a deep link (`/aff.php?aff=7&to=…`) may send the visitor: a path on this site, or an
 * http(s) URL on an allowed host. Anything else is "/" — the link must never be an open redirect.
 * Browsers read `//host` and `/\host` as another host and drop tabs and newlines from URLs, so a
 * target with a backslash, a control character or whitespace is refused whatever follows.
 */
export function deepLinkTarget(raw: unknown, allowedHosts: ReadonlySet<string>): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_TARGET_LENGTH) return '/';
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (/[\\\s\x00-\x1f\x7f]/.test(raw)) return '/';
  if (raw.startsWith('/')) return raw.startsWith('//') ? '/' : raw;
  if (!/^https?:\/\/[^/]/i.test(raw)) return '/';
  if (!URL.canParse(raw)) return '/';
  const url = new URL(raw);
  if (url.username || url.password || !allowedHosts.has(url.hostname)) return '/';
  // The parsed form, not the raw text: what the browser will go to is what was checked.
  return url.href.length > MAX_TARGET_LENGTH ? '/' : url.href;
}
