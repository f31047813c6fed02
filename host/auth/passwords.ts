import crypto from 'node:crypto';

function scrypt(password: string, salt: Buffer, length: number, options: crypto.ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => crypto.scrypt(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));
}

// scrypt (a memory-hard KDF, in Node's own crypto) at N=2^15, r=8: ~32 MiB and tens of ms a try.
const PARAMS = { N: 32768, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem });
  return crypto.timingSafeEqual(expected, got);
}

let dummy: Promise<string> | null = null;

/**
 * A hash of a random password, made once: a sign-in for a name with no account checks the
 * password against it, so that it costs one scrypt like a sign-in for a real account and the
 * time of the answer does not tell whether the account exists.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomBytes(18).toString('base64url'));
  return dummy;
}
