import type { Knex } from 'knex';
import { T } from '../tables';
import { dialectOf } from '../connection';

// Tax (issue 15): the documents an agent files for their tax profile, first the exemption
// certificate that an exemption needs to count. Every upload is a new row and none is deleted:
// the latest of a kind is the one on file, the older ones are the record of what was on file
// when earlier payouts were decided. The bytes live in the database, so that every app node
// serves them; the type is the one sniffed from the bytes, never the browser's word. A certificate
// keeps the exemption its profile named when it was uploaded: it counts only while the profile
// still names that number and last day, so an old file does not make a new exemption count.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.taxDocuments, (t) => {
    t.increments('id');
    t.integer('agent_id').notNullable();
    /** exemption_certificate */
    t.string('kind', 32).notNullable();
    /** The file's name as the uploader's browser gave it: shown, never trusted as a type. */
    t.string('file_name', 255).notNullable();
    /** application/pdf | image/png | image/jpeg, from the file's magic bytes. */
    t.string('mime', 32).notNullable();
    t.integer('size').notNullable();
    t.string('sha256', 64).notNullable();
    // A BLOB is 64 KiB on MySQL; a certificate may be 5 MB (MEDIUMBLOB holds 16 MiB).
    if (dialectOf(db) === 'mysql') t.specificType('data', 'mediumblob').notNullable();
    else t.binary('data').notNullable();
    t.bigInteger('uploaded_at').notNullable();
    /** "agent:<client id>" or "admin:<username>" */
    t.string('uploaded_by', 80).notNullable();
    /** The profile's exemption number and last valid day (yyyy-mm-dd) at the upload; null: none was named. */
    t.string('exemption_ref', 120).nullable();
    t.string('exemption_valid_until', 10).nullable();
    t.index(['agent_id', 'kind', 'id'], 'ix_at_tax_documents_agent_kind');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
