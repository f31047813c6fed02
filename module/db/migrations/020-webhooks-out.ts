import type { Knex } from 'knex';
import { T } from '../tables';

// Webhooks out (issue 16). An endpoint is a URL the admin registered, with the events it takes and
// its signing secret (kept as given: an HMAC is made with the secret itself). An event is written
// by the change that causes it, in the same transaction (the outbox), with one delivery per
// endpoint that takes it. A delivery is claimed by a node until claimed_until, so that two nodes
// never send it at once; each attempt is one row of the delivery log.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.webhookEndpoints, (t) => {
    t.increments('id');
    t.string('url', 500).notNullable();
    t.string('description', 200).notNullable();
    /** The event types it takes, comma-separated. */
    t.string('events', 300).notNullable();
    t.string('secret', 120).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('disabled_at').nullable();
  });
  await db.schema.createTable(T.webhookEvents, (t) => {
    t.increments('id');
    t.string('type', 40).notNullable();
    t.text('payload').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable(T.webhookDeliveries, (t) => {
    t.increments('id');
    t.integer('event_id').notNullable();
    t.integer('endpoint_id').notNullable();
    /** 'pending' until a 2xx ('delivered') or a day of failures ('failed'); a replay makes it pending again. */
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable();
    t.bigInteger('next_at').notNullable();
    /** The start of its day of retries: its creation, or its last replay. */
    t.bigInteger('window_from').notNullable();
    t.bigInteger('claimed_until').notNullable();
    t.string('claim', 40).nullable();
    t.bigInteger('finished_at').nullable();
    t.unique(['event_id', 'endpoint_id'], { indexName: 'ux_at_webhook_deliveries' });
    t.index(['status', 'next_at'], 'ix_at_webhook_deliveries_due');
    t.index(['endpoint_id', 'id'], 'ix_at_webhook_deliveries_endpoint');
  });
  await db.schema.createTable(T.webhookAttempts, (t) => {
    t.increments('id');
    t.integer('delivery_id').notNullable();
    t.bigInteger('at').notNullable();
    t.integer('status_code').nullable();
    /** Why no status: a timeout, a refused connection. */
    t.string('error', 200).nullable();
    t.string('excerpt', 500).notNullable();
    t.integer('duration_ms').notNullable();
    t.index(['delivery_id', 'id'], 'ix_at_webhook_attempts_delivery');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
