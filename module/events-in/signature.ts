import crypto from 'node:crypto';

/** Standard Webhooks: a secret is `whsec_` and the base64 of its key bytes. */
export const SECRET_PREFIX = 'whsec_';

/** How far a message's timestamp may be from now, either way: older is a replay, newer a clock gone wrong. */
export const TOLERANCE_MS = 5 * 60_000;

export interface SignedHeaders {
  id: string;
  timestamp: string;
  signature: string;
}

export type Verdict<S> = { ok: true; signer: S; sentAt: number } | { ok: false; reason: 'missing headers' | 'stale' | 'bad signature' };

/** A new secret for a source: 32 random bytes. */
export function newSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(32).toString('base64');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** v1,base64(HMAC-SHA256(key, `id.timestamp.body`)): what the sender puts in webhook-signature. */
export function sign(secret: string, id: string, timestamp: string, body: Buffer | string): string {
  const mac = crypto.createHmac('sha256', keyOf(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/** The three headers, when each is there once. */
export function signedHeaders(get: (name: string) => string | undefined): SignedHeaders | null {
  const id = get('webhook-id');
  const timestamp = get('webhook-timestamp');
  const signature = get('webhook-signature');
  return id && timestamp && signature ? { id, timestamp, signature } : null;
}

/**
 * Checks a message against each candidate signer's secret (a source, or a source's old and new
 * secret while it rotates): the timestamp first, within TOLERANCE_MS of `now`, then any `v1,`
 * signature among the space-separated ones, compared in constant time.
 */
export function verify<S extends { secret: string }>(headers: SignedHeaders | null, body: Buffer, signers: readonly S[], now: number): Verdict<S> {
  if (!headers) return { ok: false, reason: 'missing headers' };
  if (!/^\d{1,12}$/.test(headers.timestamp)) return { ok: false, reason: 'stale' };
  const sentAt = Number(headers.timestamp) * 1000;
  if (Math.abs(now - sentAt) > TOLERANCE_MS) return { ok: false, reason: 'stale' };
  const given = headers.signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const signer of signers) {
    const expected = Buffer.from(sign(signer.secret, headers.id, headers.timestamp, body).slice(3), 'base64');
    if (given.some((g) => g.length === expected.length && crypto.timingSafeEqual(g, expected))) return { ok: true, signer, sentAt };
  }
  return { ok: false, reason: 'bad signature' };
}
