import type { Knex } from 'knex';
import { T } from '../tables';

export async function up(db: Knex): Promise<void> {
  // The agent's Commissions page lists the programs the agent has earned under (a DISTINCT of
  // program_id over the agent's commissions): from this index alone, not from every commission row
  // (issue 13's bench: 3.6 ms for 10,000 commissions on SQLite, growing with history).
  await db.schema.alterTable(T.commissions, (t) => {
    t.index(['agent_id', 'program_id'], 'ix_at_commissions_agent_program');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
