import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, rowOrNull, text, type Row } from '../db/columns';
import { isApiScope, type ApiScope } from './scopes';

export interface ApiKey {
  id: number;
  name: string;
  /** The key's first characters, shown so that an admin can tell keys apart. */
  prefix: string;
  scopes: ApiScope[];
  createdBy: number;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

/** A key just made: the only moment its secret exists outside the caller's hands. */
export interface CreatedApiKey extends ApiKey {
  secret: string;
}

export type KeyCheck = { ok: true; key: ApiKey } | { ok: false; reason: 'missing' | 'unknown' | 'expired' | 'revoked' };

const KEY_PREFIX = 'atk_';

/**
 * API keys, kept as the SHA-256 of the key. A password needs a slow hash (scrypt) because people
 * choose guessable ones; a key here is 32 random bytes (256 bits), which no guessing reaches, so a
 * fast hash loses nothing and lets every request find its key by one indexed lookup of the hash.
 */
export class ApiKeyService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async create(name: string, scopes: readonly string[], expiresAt: number | null, adminId: number): Promise<CreatedApiKey> {
    const wanted = [...new Set(scopes)];
    if (!wanted.length) throw new RuleError('api_keys.error.scopes', 'scopes');
    const known = wanted.filter(isApiScope);
    if (known.length !== wanted.length) throw new RuleError('api_keys.error.unknown_scope', 'scopes');
    const now = this.clock.now();
    if (expiresAt !== null && expiresAt <= now) throw new RuleError('api_keys.error.expiry', 'expires');
    const secret = KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
    const row = { name, prefix: secret.slice(0, 12), key_hash: hashKey(secret), scopes: known.join(' '), created_by: adminId, created_at: now, expires_at: expiresAt, revoked_at: null };
    const [id] = await this.db(T.apiKeys).insert(row);
    return { ...fromRow({ ...row, id }), secret };
  }

  /** Every key, newest last, each saying whether its expiry has passed. */
  async list(): Promise<(ApiKey & { expired: boolean })[]> {
    const now = this.clock.now();
    return asRows(await this.db(T.apiKeys).orderBy('id'))
      .map(fromRow)
      .map((k) => ({ ...k, expired: k.expiresAt !== null && k.expiresAt <= now }));
  }

  async revoke(id: number): Promise<void> {
    await this.db(T.apiKeys).where({ id }).whereNull('revoked_at').update({ revoked_at: this.clock.now() });
  }

  /** The key an `Authorization: Bearer` header names, if it may still be used. */
  async check(authorization: string | undefined): Promise<KeyCheck> {
    const match = /^Bearer\s+(\S{1,200})$/i.exec(authorization?.trim() ?? '');
    if (!match?.[1]) return { ok: false, reason: 'missing' };
    const row = rowOrNull(
      await this.db(T.apiKeys)
        .where({ key_hash: hashKey(match[1]) })
        .first(),
    );
    if (!row) return { ok: false, reason: 'unknown' };
    const key = fromRow(row);
    if (key.revokedAt !== null) return { ok: false, reason: 'revoked' };
    if (key.expiresAt !== null && key.expiresAt <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, key };
  }
}

function hashKey(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('hex');
}

function fromRow(row: Row): ApiKey {
  return {
    id: num(row.id),
    name: text(row.name),
    prefix: text(row.prefix),
    scopes: text(row.scopes).split(' ').filter(isApiScope),
    createdBy: num(row.created_by),
    createdAt: num(row.created_at),
    expiresAt: numberOrNull(row.expires_at),
    revokedAt: numberOrNull(row.revoked_at),
  };
}
