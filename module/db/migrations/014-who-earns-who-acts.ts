import type { Knex } from 'knex';
import { T } from '../tables';

// Who earns (the referral) and who acts (the service manager) are separate facts. The assignment
// log says which fact each line is about, so that a revoked service manager is not read as an
// unassigned client, and keeps what a referral replaced (its click, code or domain) when one is
// overwritten. A grant that would move a live referral to the service manager waits for an
// admin in referral_moves: at most one open request per client (open_client_id is set only while
// it is open; NULLs do not collide in a unique index).
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable(T.assignmentLog, (t) => {
    t.string('fact', 16).notNullable().defaultTo('referral');
    t.text('replaced').nullable();
  });
  // Revokes were the only service-manager lines written apart from a referral's.
  await db(T.assignmentLog).where('reason', 'like', 'service manager access revoked:%').update({ fact: 'service_manager' });

  await db.schema.createTable(T.referralMoves, (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().index('ix_at_referral_moves_client');
    t.integer('open_client_id').nullable().unique('ux_at_referral_moves_open');
    t.integer('from_agent_id').notNullable();
    t.integer('to_agent_id').notNullable();
    t.string('status', 16).notNullable();
    // A self-referral sign the grant showed (same e-mail, device…), for the admin to weigh.
    t.string('warning', 64).nullable();
    t.string('requested_by', 120).notNullable();
    t.bigInteger('created_at').notNullable();
    t.string('decided_by', 120).nullable();
    t.string('decision_reason', 255).nullable();
    t.bigInteger('decided_at').nullable();
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
