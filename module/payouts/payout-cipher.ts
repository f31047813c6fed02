import crypto from 'node:crypto';
import type { SettingsStore } from '../settings/settings-store';

const FORMAT = 'v1';
const SETTING = 'payout_key';

/** A key's id: the first 12 hex digits of its SHA-256, so that an id says which key without revealing it. */
export function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** A 32-byte key written as base64 (openssl rand -base64 32); `where` names it in the error. */
export function decodeKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${where} must be 32 bytes written as base64 (openssl rand -base64 32), not ${key.length} bytes`);
  return key;
}

/**
 * AES-256-GCM for payout details at rest. A ciphertext is "v1.<key id>.<iv>.<tag>.<data>"
 * (base64url): the key id says which key sealed it, so that after a rotation the old keys are
 * still read while every new seal uses the current one. The associated data (the agent's id) binds
 * a ciphertext to its row: one copied onto another agent fails to open, as does any changed byte.
 */
export class PayoutCipher {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, older: Buffer[] = []) {
    this.currentId = keyId(current);
    this.keys.set(this.currentId, current);
    for (const k of older) if (!this.keys.has(keyId(k))) this.keys.set(keyId(k), k);
  }

  seal(plain: string, context: string): string {
    const iv = crypto.randomBytes(12);
    const key = this.keys.get(this.currentId);
    if (!key) throw new Error('the current payout key is missing');
    const c = crypto.createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return [FORMAT, this.currentId, iv.toString('base64url'), c.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  /** Throws when the key is unknown or the ciphertext (or its context) was changed. */
  open(sealed: string, context: string): string {
    const [format, id = '', iv = '', tag = '', data = ''] = sealed.split('.');
    if (format !== FORMAT) throw new Error(`payout details sealed in an unknown format "${format}"`);
    const key = this.keys.get(id);
    if (!key) throw new Error(`payout details sealed with key ${id}, which is not among the keys given (AGENTTOOLS_PAYOUT_KEY, AGENTTOOLS_PAYOUT_OLD_KEYS)`);
    const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
  }

  /** The id of the key a ciphertext was sealed with. */
  static keyOf(sealed: string): string {
    return sealed.split('.')[1] ?? '';
  }
}

/**
 * The keys, from the environment or else from the module's settings: AGENTTOOLS_PAYOUT_KEY is the
 * current key; AGENTTOOLS_PAYOUT_OLD_KEYS (comma-separated) the ones still read after a rotation.
 * Without an environment key, one is generated on first use and kept in the settings (init: of two
 * nodes starting at once, both get the same). A settings key stays readable once an environment
 * key replaces it. Loaded once per process.
 */
export class PayoutKeys {
  private loaded: Promise<PayoutCipher> | null = null;

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly settings: Pick<SettingsStore, 'get' | 'init'>,
  ) {}

  cipher(): Promise<PayoutCipher> {
    this.loaded ??= this.load().catch((e: unknown) => {
      this.loaded = null;
      throw e;
    });
    return this.loaded;
  }

  private async load(): Promise<PayoutCipher> {
    const older = (this.env.AGENTTOOLS_PAYOUT_OLD_KEYS ?? '')
      .split(',')
      .filter((k) => k.trim())
      .map((k, i) => decodeKey(k, `AGENTTOOLS_PAYOUT_OLD_KEYS[${i}]`));
    const fromEnv = this.env.AGENTTOOLS_PAYOUT_KEY;
    if (fromEnv) {
      const stored = await this.settings.get(SETTING);
      return new PayoutCipher(decodeKey(fromEnv, 'AGENTTOOLS_PAYOUT_KEY'), stored ? [...older, decodeKey(stored, `setting ${SETTING}`)] : older);
    }
    const stored = await this.settings.init(SETTING, crypto.randomBytes(32).toString('base64'));
    return new PayoutCipher(decodeKey(stored, `setting ${SETTING}`), older);
  }
}
