import crypto from 'node:crypto';
import { DEFAULT_SOURCE } from './source';
import type { CookieSigner } from '../core/cookie-signer';

export const REFERRAL_COOKIE = 'agenttools_ref';

export interface ReferralMark {
  agentId: number;
  clickUid: string;
  clickedAt: number;
  /** The `src=` of the click; absent for Default, as in cookies set before sources existed. */
  source?: string;
}

/**
 * The referral cookie: `agentId.clickUid.clickedAt[.source].signature`, HMAC-SHA256 with the
 * module's secret over everything before the signature. Its lifetime is the cookie's Max-Age; the
 * signature keeps it from being forged or pointed at another agent or source. The source is left
 * out for Default, which keeps the cookies of untagged links as they were before sources.
 */
export class ReferralCookie {
  constructor(private readonly signer: CookieSigner) {}

  sign(mark: ReferralMark): string {
    const body = `${mark.agentId}.${mark.clickUid}.${mark.clickedAt}${mark.source === undefined || mark.source === DEFAULT_SOURCE ? '' : `.${mark.source}`}`;
    return `${body}.${this.signer.sign(body)}`;
  }

  /** The mark, or null when the value is absent, malformed, forged or older than maxAgeMs. */
  read(value: string | undefined, now: number, maxAgeMs: number): ReferralMark | null {
    if (!value || value.length > 200) return null;
    const m = /^(\d{1,10})\.([A-Za-z0-9_-]{8,32})\.(\d{1,15})(?:\.([A-Za-z0-9_-]{1,32}))?\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!m) return null;
    const [, agentId, clickUid, at, source, signature] = m;
    if (agentId === undefined || clickUid === undefined || at === undefined || signature === undefined) {
      throw new Error('the referral cookie pattern captures every part but the source: it must have changed');
    }
    const body = `${agentId}.${clickUid}.${at}${source === undefined ? '' : `.${source}`}`;
    if (!this.signer.verify(body, signature)) return null;
    const clickedAt = Number(at);
    if (clickedAt > now + 60_000 || now - clickedAt > maxAgeMs) return null;
    const mark: ReferralMark = { agentId: Number(agentId), clickUid, clickedAt };
    if (source !== undefined) mark.source = source;
    return mark;
  }
}

// A random prefix per process and a counter: unique across nodes without a system call per click.
const uidPrefix = crypto.randomBytes(6).toString('base64url');
let uidCounter = 0;

export function newClickUid(): string {
  uidCounter = (uidCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${uidPrefix}${uidCounter.toString(36)}`;
}
