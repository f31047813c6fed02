import crypto from 'node:crypto';

export const REFERRAL_COOKIE = 'agenttools_ref';

export interface ReferralMark {
  agentId: number;
  clickUid: string;
  clickedAt: number;
}

/**
 * The referral cookie: `agentId.clickUid.clickedAt.signature`, HMAC-SHA256 with the module's
 * secret. Its lifetime is the cookie's Max-Age; the signature keeps it from being forged or
 * pointed at another agent.
 */
export class ReferralCookie {
  constructor(private secret: string | null) {}

  setSecret(secret: string): void {
    this.secret = secret;
  }

  sign(mark: ReferralMark): string {
    const body = `${mark.agentId}.${mark.clickUid}.${mark.clickedAt}`;
    return `${body}.${this.mac(body)}`;
  }

  /** The mark, or null when the value is absent, malformed, forged or older than maxAgeMs. */
  read(value: string | undefined, now: number, maxAgeMs: number): ReferralMark | null {
    if (!value || value.length > 200) return null;
    const m = /^(\d{1,10})\.([A-Za-z0-9_-]{8,32})\.(\d{1,15})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (!m) return null;
    const body = `${m[1]}.${m[2]}.${m[3]}`;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(m[4] as string);
    if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
    const clickedAt = Number(m[3]);
    if (clickedAt > now + 60_000 || now - clickedAt > maxAgeMs) return null;
    return { agentId: Number(m[1]), clickUid: m[2] as string, clickedAt };
  }

  private mac(body: string): string {
    if (!this.secret) throw new Error('referral cookies need a secret: activate the module first');
    return crypto.createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

// A random prefix per process and a counter: unique across nodes without a system call per click.
const uidPrefix = crypto.randomBytes(6).toString('base64url');
let uidCounter = 0;

export function newClickUid(): string {
  uidCounter = (uidCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `${uidPrefix}${uidCounter.toString(36)}`;
}
