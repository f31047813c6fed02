import type { Knex } from 'knex';
import { T } from '../tables';

// The admin's inbox and program report read these without scanning whole tables: the failed
// e-mails (a count on every visit to the admin area's home), the short links waiting for
// approval, and the commissions earned in a period across all agents (top agents, the funnel).
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable(T.notifications, (t) => {
    t.index(['status', 'created_at'], 'ix_at_notifications_status');
  });
  await db.schema.alterTable(T.agents, (t) => {
    t.index(['slug_status'], 'ix_at_agents_slug_status');
  });
  await db.schema.alterTable(T.commissions, (t) => {
    t.index(['created_at'], 'ix_at_commissions_created');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
