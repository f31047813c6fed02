import crypto from 'node:crypto';

/**
 * HMAC-SHA256 with the module's secret, for the cookies it hands out (referral, device). One per
 * module: activate() gives it the secret once, whichever cookie is read first. The key is made
 * once, as createHmac with the string would re-encode it per cookie, on the redirect's path.
 */
export class CookieSigner {
  private key: crypto.KeyObject | null = null;

  constructor(secret: string | null) {
    if (secret) this.setSecret(secret);
  }

  setSecret(secret: string): void {
    this.key = secret ? crypto.createSecretKey(Buffer.from(secret, 'utf8')) : null;
  }

  /** The signature of `body`, base64url (43 characters). */
  sign(body: string): string {
    if (!this.key) throw new Error('cookies need a secret: activate the module first');
    return crypto.createHmac('sha256', this.key).update(body).digest('base64url');
  }

  /** Whether `signature` is ours for `body`, compared in constant time. */
  verify(body: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given);
  }
}
