import type { Knex } from 'knex';
import { T } from '../tables';

// What an import from another affiliate system (WHMCS's tblaffiliates…) already brought across:
// one row per source row, keyed by (source, kind, source id), written in the transaction that
// makes its agent, referral, commission or ledger entry. A second run skips what it finds here,
// and two runs at once cannot both bring the same row: the second one's insert is refused.
// `target_id` is what the row became (agent, referral, commission, withdrawal or ledger
// transaction id); null for an amount of zero, which made nothing but was looked at.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.imports, (t) => {
    t.string('source', 32).notNullable();
    /** affiliate | account | pending | balance | withdrawal | withdrawn */
    t.string('kind', 16).notNullable();
    t.bigInteger('source_id').notNullable();
    t.bigInteger('target_id').nullable();
    t.bigInteger('imported_at').notNullable();
    t.primary(['source', 'kind', 'source_id'], 'pk_at_imports');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
