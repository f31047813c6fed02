import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { isUniqueViolation } from '../core/errors';
import { T } from '../db/tables';
import { num, numberOrNull, oneOf, rowOrNull, stringOrNull, text } from '../db/columns';

export type IdempotencyClaim = { kind: 'claimed'; id: number } | { kind: 'replay'; status: number; body: string } | { kind: 'mismatch' } | { kind: 'in progress' };

/** A claim left 'processing' this long was a node that died mid-write; the next request takes it over. */
export const STALE_WRITE_MS = 10 * 60_000;

/** The request a key was first used for: its method, path and body, hashed. */
export function requestHash(method: string, path: string, body: string): string {
  return crypto.createHash('sha256').update(`${method}\n${path}\n${body}`).digest('hex');
}

/**
 * Each write's Idempotency-Key, per API key. A write claims its key with an insert before doing
 * anything: the unique key (api key, Idempotency-Key) lets one of two requests at once, on one
 * node or two, through. The claim ends with the response, which a repeat with the same body gets
 * again; a repeat with another body is refused. A failed write's claim is deleted so that a retry
 * does the work.
 */
export class IdempotencyStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async claim(keyId: number, idemKey: string, hash: string): Promise<IdempotencyClaim> {
    const now = this.clock.now();
    try {
      const [id] = await this.db(T.apiIdempotency).insert({ key_id: keyId, idem_key: idemKey, request_hash: hash, status: 'processing', response_status: null, response_body: null, created_at: now });
      return { kind: 'claimed', id: num(id) };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const row = rowOrNull(await this.db(T.apiIdempotency).where({ key_id: keyId, idem_key: idemKey }).first());
    // Deleted between the insert and this read: the first attempt failed and the key is free again.
    if (!row) return this.claim(keyId, idemKey, hash);
    if (text(row.request_hash) !== hash) return { kind: 'mismatch' };
    const status = numberOrNull(row.response_status);
    const body = stringOrNull(row.response_body);
    if (oneOf(['processing', 'done'], row.status) === 'done' && status !== null && body !== null) return { kind: 'replay', status, body };
    const claimedAt = num(row.created_at);
    if (now - claimedAt < STALE_WRITE_MS) return { kind: 'in progress' };
    const id = num(row.id);
    const taken = await this.db(T.apiIdempotency).where({ id, status: 'processing', created_at: claimedAt }).update({ created_at: now });
    return taken ? { kind: 'claimed', id } : { kind: 'in progress' };
  }

  async finish(id: number, status: number, body: string): Promise<void> {
    await this.db(T.apiIdempotency).where({ id, status: 'processing' }).update({ status: 'done', response_status: status, response_body: body });
  }

  async release(id: number): Promise<void> {
    await this.db(T.apiIdempotency).where({ id, status: 'processing' }).delete();
  }
}
