import type { Knex } from 'knex';
import { T } from '../tables';

// What an agent publishes on their service-manager offer page beyond name and company. No row
// means nothing published: the offer page is open to any signed-in client, so e-mail and phone
// are shown only once the agent chose to.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.agentContact, (t) => {
    t.integer('agent_id').primary();
    t.boolean('publish_email').notNullable().defaultTo(false);
    t.boolean('publish_phone').notNullable().defaultTo(false);
    t.bigInteger('updated_at').notNullable();
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
