import type { Knex } from 'knex';
import { T } from '../tables';

// Issue 15, payout methods (docs/payouts.md). One current method per agent: its kind, its details
// encrypted (AES-256-GCM, the key's id beside the ciphertext so that old keys stay readable after
// a rotation) and the masked form a page shows, so that listing methods decrypts nothing. Every
// change is a log row (who, when, old masked → new masked, from which address). A credit to the
// agent's account is claimed once per withdrawal (its primary key) before the host is asked.
// A withdrawal ended by a reject or cancel records when and by which admin (none: the agent).
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.payoutMethods, (t) => {
    t.integer('agent_id').primary();
    t.string('kind', 16).notNullable();
    t.text('details_enc').notNullable();
    t.string('key_id', 16).notNullable().index('ix_at_payout_methods_key');
    t.string('masked', 120).notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable(T.payoutMethodLog, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    t.integer('user_id').nullable();
    t.integer('admin_id').nullable();
    t.string('old_kind', 16).nullable();
    t.string('old_masked', 120).nullable();
    t.string('new_kind', 16).notNullable();
    t.string('new_masked', 120).notNullable();
    t.string('ip', 45).notNullable();
    t.bigInteger('created_at').notNullable();
    t.index(['agent_id', 'id'], 'ix_at_payout_method_log_agent');
  });
  await db.schema.createTable(T.payoutCredits, (t) => {
    t.integer('withdrawal_id').primary();
    t.integer('client_id').notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('amount_minor').notNullable();
    t.string('host_credit_id', 64).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('credited_at').nullable();
  });
  await db.schema.alterTable(T.withdrawals, (t) => {
    t.bigInteger('ended_at').nullable();
    t.integer('ended_by_admin').nullable();
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
