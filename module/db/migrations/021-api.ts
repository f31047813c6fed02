import type { Knex } from 'knex';
import { T } from '../tables';

// The REST API (docs/api.md): its keys, each write's Idempotency-Key, and the per-key rate limits.
// A key is kept as the SHA-256 of the key (see module/api/api-key-service.ts for why a fast hash
// suits a random key); its first characters are kept apart so that the admin can tell keys apart.
// An idempotency record is keyed by (api key, Idempotency-Key): a unique key, so that the same
// write sent twice, to one node or two at once, is done once and answered the same way.
// The rate limits' columns are the ones rate-limiter-flexible's SQL stores read and write.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.apiKeys, (t) => {
    t.increments('id');
    t.string('name', 64).notNullable();
    t.string('prefix', 16).notNullable();
    t.string('key_hash', 64).notNullable().unique('ux_at_api_keys_hash');
    t.string('scopes', 400).notNullable();
    t.integer('created_by').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('expires_at').nullable();
    t.bigInteger('revoked_at').nullable();
  });
  await db.schema.createTable(T.apiIdempotency, (t) => {
    t.increments('id');
    t.integer('key_id').notNullable();
    t.string('idem_key', 128).notNullable();
    t.string('request_hash', 64).notNullable();
    /** 'processing' while a node does the write, then 'done'; a failed attempt's row is deleted. */
    t.string('status', 16).notNullable();
    t.integer('response_status').nullable();
    t.text('response_body').nullable();
    t.bigInteger('created_at').notNullable().index('ix_at_api_idempotency_created');
    t.unique(['key_id', 'idem_key'], { indexName: 'ux_at_api_idempotency_key' });
  });
  await db.schema.createTable(T.apiRateLimits, (t) => {
    t.string('key', 255).primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire').nullable().index('ix_at_api_rate_limits_expire');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
