import type { Knex } from 'knex';
import { T } from '../tables';

// The e-mails sent to agents about their clients. The unique key (event, subject, agent) is the
// idempotency check: a re-delivered hook finds its row and sends nothing. A failed send keeps its
// row with the error, for the admin and for the next delivery to retry.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.notifications, (t) => {
    t.bigIncrements('id');
    t.string('event', 32).notNullable();
    /** The order, invoice or service the event is about. */
    t.integer('subject_id').notNullable();
    t.integer('agent_id').notNullable();
    t.integer('client_id').notNullable();
    t.string('to', 190).notNullable();
    t.string('status', 16).notNullable();
    t.string('error', 255).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('sent_at').nullable();
    t.unique(['event', 'subject_id', 'agent_id'], { indexName: 'ux_at_notifications_key' });
    t.index(['agent_id', 'created_at'], 'ix_at_notifications_agent');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
