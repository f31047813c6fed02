import type { Knex } from 'knex';
import { T } from '../tables';

// Clients' applications to join a program from the client area, and the admin's decision.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.applications, (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().index('ix_at_applications_client');
    t.integer('program_id').notNullable();
    // The terms version applied to: the answers are read with that version's field list.
    t.integer('terms_version').notNullable();
    t.string('status', 16).notNullable().index('ix_at_applications_status');
    // 1 while the application waits, null once it is decided or withdrawn: a unique key over
    // (client, program, open_slot) lets a client have one waiting application per program, and as many
    // decided ones as they like, since neither database counts nulls as equal.
    t.tinyint('open_slot').nullable();
    t.text('fields').notNullable();
    t.string('agreement_version', 32).nullable();
    t.bigInteger('accepted_at').nullable();
    t.string('ip', 45).nullable();
    t.string('invitation_code', 64).nullable();
    t.string('decided_by', 120).nullable();
    t.string('reason', 255).nullable();
    t.integer('agent_id').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.unique(['client_id', 'program_id', 'open_slot'], { indexName: 'ux_at_applications_open' });
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
