import type { Knex } from 'knex';
import { T } from '../tables';

// An agent signed in as a client they manage: the session, and an audit of everything done in it
// that both the admin and the client can read.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.signIns, (t) => {
    t.string('id', 32).primary();
    t.integer('agent_id').notNullable();
    t.integer('client_id').notNullable();
    t.text('permissions').notNullable();
    t.bigInteger('started_at').notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('ended_at').nullable();
    t.string('end_reason', 64).nullable();
    t.index(['client_id'], 'ix_at_sign_ins_client');
  });
  await db.schema.createTable(T.signInAudit, (t) => {
    t.bigIncrements('id');
    t.string('sign_in_id', 32).notNullable();
    t.integer('agent_id').notNullable();
    t.integer('client_id').notNullable();
    t.string('action', 64).notNullable();
    t.string('detail', 255).notNullable();
    t.string('ip', 45).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['client_id', 'created_at'], 'ix_at_sign_in_audit_client');
    t.index(['agent_id', 'created_at'], 'ix_at_sign_in_audit_agent');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
