import crypto from 'node:crypto';
import type { CookieSigner } from '../core/cookie-signer';

export const DEVICE_COOKIE = 'agenttools_dev';
export const DEVICE_COOKIE_MS = 2 * 365 * 86_400_000;

const SHAPE = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

// Prefixed, so that no other value the module signs with its secret can pass for a device.
const signed = (device: string) => `device:${device}`;

/**
 * The device cookie an agent's browser gets on the agent's own pages: `device.signature`, a random
 * 32-byte id (base64url, 43 characters) and HMAC-SHA256 over it with the module's secret, so that
 * no one can present a device id they did not receive. It names a browser, not a person.
 */
export class DeviceCookie {
  constructor(private readonly signer: CookieSigner) {}

  issue(): { device: string; value: string } {
    const device = crypto.randomBytes(32).toString('base64url');
    return { device, value: `${device}.${this.signer.sign(signed(device))}` };
  }

  /** The device id, or null when the value is absent, malformed or not signed by us. */
  read(value: string | undefined): string | null {
    const [, device, signature] = (value && SHAPE.exec(value)) || [];
    if (!device || !signature) return null;
    return this.signer.verify(signed(device), signature) ? device : null;
  }
}
