import type { Knex } from 'knex';

/**
 * The admin's own language for the admin area, as WHMCS keeps it on the admin (tbladmins.language):
 * null is the platform's default.
 */
export async function upAdminLanguage(db: Knex): Promise<void> {
  await db.schema.alterTable('host_admins', (t) => {
    t.string('language', 32).nullable();
  });
}
