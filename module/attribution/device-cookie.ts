import crypto from 'node:crypto';

export const DEVICE_COOKIE = 'agenttools_dev';
export const DEVICE_COOKIE_MS = 2 * 365 * 86_400_000;

const SHAPE = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

/**
 * The device cookie an agent's browser gets on the agent's own pages: `device.signature`, a random
 * 32-byte id (base64url, 43 characters) and HMAC-SHA256 over it with the module's secret, so that
 * no one can present a device id they did not receive. It names a browser, not a person.
 */
export class DeviceCookie {
  constructor(private secret: string | null) {}

  setSecret(secret: string): void {
    this.secret = secret;
  }

  issue(): { device: string; value: string } {
    const device = crypto.randomBytes(32).toString('base64url');
    return { device, value: `${device}.${this.mac(device)}` };
  }

  /** The device id, or null when the value is absent, malformed or not signed by us. */
  read(value: string | undefined): string | null {
    const m = value ? SHAPE.exec(value) : null;
    if (!m) return null;
    const expected = Buffer.from(this.mac(m[1]!));
    const given = Buffer.from(m[2]!);
    return expected.length === given.length && crypto.timingSafeEqual(expected, given) ? m[1]! : null;
  }

  private mac(device: string): string {
    if (!this.secret) throw new Error('device cookies need a secret: activate the module first');
    // Prefixed, so that no other value the module signs with this secret can pass for a device.
    return crypto.createHmac('sha256', this.secret).update(`device:${device}`).digest('base64url');
  }
}
