import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import { REFERRAL_COOKIE } from './referral-cookie';

/*
 * The referral link is the page every visitor of every agent opens. Profiled under `npm run
 * bench`, express's res.cookie and res.redirect (content negotiation, a body in two formats,
 * header merging) and its req.ip and req.secure (proxy-addr under 'trust proxy', recomputed on
 * each read) cost several times what counting the click does. So the link reads and writes the
 * few headers it needs itself; each shortcut gives express's answer, and leaves the cases where
 * the two could differ to express (test/redirect-headers.test.ts holds them to it).
 */

/** req.ip: without X-Forwarded-For, 'trust proxy' has nothing to trust, and the address is the socket's. */
export function visitorIp(req: Request): string {
  return (req.headers['x-forwarded-for'] === undefined ? req.socket.remoteAddress : req.ip) ?? '';
}

/** req.secure: without X-Forwarded-Proto, it is whether the socket is TLS. */
export function isHttps(req: Request): boolean {
  return req.headers['x-forwarded-proto'] === undefined ? 'encrypted' in req.socket && req.socket.encrypted === true : req.secure;
}

/** req.get('referer'), which also reads the header's other spelling. */
export function referer(req: Request): string {
  const other = req.headers.referrer;
  return (typeof other === 'string' && other) || req.headers.referer || '';
}

export interface LinkCookie {
  value: string;
  maxAgeMs: number;
  secure: boolean;
}

// What res.location leaves as it is (encodeurl's set, less '%', which it keeps only before two
// hex digits); any other target, such as a path with non-ASCII letters, is left to express.
const LOCATION_AS_IS = /^[\x21\x23\x24\x26-\x3B\x3D\x3F-\x5F\x61-\x7A\x7C\x7E]*$/;

/**
 * The link's answer: a 302 to `location`, with the referral cookie when there is one, written
 * as res.cookie would (Max-Age and Expires, Path=/, HttpOnly, Secure over https, SameSite=Lax).
 * No body: browsers follow the Location header, and express's "Found. Redirecting to" note
 * needs content negotiation to pick its format.
 */
export function sendLinkRedirect(res: Response, location: string, cookie: LinkCookie | null): void {
  const headers: Record<string, string | string[]> = { 'Content-Length': '0' };
  if (LOCATION_AS_IS.test(location)) headers.Location = location;
  else res.location(location);
  if (cookie) {
    // The options res.cookie hands to the same serializer: maxAge in ms becomes Max-Age in seconds and Expires.
    const line = serialize(REFERRAL_COOKIE, cookie.value, {
      maxAge: Math.floor(cookie.maxAgeMs / 1000),
      path: '/',
      expires: new Date(Date.now() + cookie.maxAgeMs),
      httpOnly: true,
      secure: cookie.secure,
      sameSite: 'lax',
    });
    // A cookie set by middleware that ran before is kept, as res.cookie's append would.
    const earlier = res.getHeader('Set-Cookie');
    headers['Set-Cookie'] = earlier === undefined ? line : [...(Array.isArray(earlier) ? earlier : [String(earlier)]), line];
  }
  res.writeHead(302, headers);
  res.end();
}
