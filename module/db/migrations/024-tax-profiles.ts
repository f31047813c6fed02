import type { Knex } from 'knex';
import { T } from '../tables';

// Tax (issue 15): one tax profile per agent (legal status, tax id, residency, an exemption
// certificate's reference and last valid day), every change to it logged with who made it and
// the profile before and after (JSON), and on each payout why its tax is what it is: the profile
// it used and the basis (a lang key and its values, JSON, with the profile's facts as they were
// on the payout day, so that a statement printed later still tells the truth).
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.taxProfiles, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable().unique('ux_at_tax_profiles_agent');
    /** individual | sole_proprietor | company | self_employed */
    t.string('legal_status', 20).notNullable();
    t.string('tax_id', 40).nullable();
    /** ISO 3166-1 alpha-2 */
    t.string('residency', 2).notNullable();
    t.string('exemption_ref', 120).nullable();
    /** yyyy-mm-dd: the certificate's last valid day. */
    t.string('exemption_valid_until', 10).nullable();
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable(T.taxProfileLog, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    /** "agent:<client id>" or "admin:<username>" */
    t.string('changed_by', 80).notNullable();
    t.bigInteger('changed_at').notNullable();
    t.text('before').nullable();
    t.text('after').notNullable();
    t.index(['agent_id', 'changed_at'], 'ix_at_tax_profile_log_agent');
  });
  await db.schema.alterTable(T.withdrawals, (t) => {
    t.integer('tax_profile_id').nullable();
    t.text('tax_basis').nullable();
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
