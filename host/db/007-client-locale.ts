import type { Knex } from 'knex';

/**
 * Where a client lives and which language they read, as WHMCS keeps them on the client: reports
 * group referrals by the end user's country, and pages and e-mails speak the client's language.
 */
export async function upClientLocale(db: Knex): Promise<void> {
  await db.schema.alterTable('host_clients', (t) => {
    t.string('country', 2).nullable();
    t.string('language', 32).nullable();
  });
}
