import type { Knex } from 'knex';
import { T } from '../tables';

// Events from billing systems outside the process (a WHMCS bridge, any system with webhooks).
// A source is one system that sends them, with its own signing secret: kept as given, because an
// HMAC is checked with the secret itself (a hash of it could not verify anything).
// A received event is one row, claimed before its work and keyed by (source, webhook-id): a unique
// key, so that a delivery repeated or sent to two nodes at once does its work once. The host's
// InvoicePaid and InvoiceRefunded it carries are still written to the host events of 012 by
// their handlers, which the daily reconciliation reads; this table answers "was this message
// seen", which 012 (one row per invoice fact, written after the work) cannot for a ClientAdd.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.eventSources, (t) => {
    t.increments('id');
    t.string('name', 64).notNullable().unique('ux_at_event_sources_name');
    t.string('secret', 120).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('revoked_at').nullable();
  });
  await db.schema.createTable(T.inboundEvents, (t) => {
    t.increments('id');
    t.integer('source_id').notNullable();
    t.string('event_id', 128).notNullable();
    t.string('event', 40).notNullable();
    /** 'processing' while a node does its work, then 'done'; a failed attempt's row is deleted. */
    t.string('status', 16).notNullable();
    t.bigInteger('received_at').notNullable().index('ix_at_inbound_events_received');
    t.bigInteger('finished_at').nullable();
    /** The first answer (a validation hook's messages by field), given again to a repeat. */
    t.text('answer').nullable();
    t.unique(['source_id', 'event_id'], { indexName: 'ux_at_inbound_events_id' });
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
