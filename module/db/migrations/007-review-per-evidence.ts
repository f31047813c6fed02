import type { Knex } from 'knex';
import { T } from '../tables';

// A client was reviewed once, whatever came later. A payment with the agent's own card is new
// evidence about a client whose sign-up may have been reviewed and kept: it gets a review of its
// own. Still one per client and reason, so an event delivered twice flags once.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable(T.referralReviews, (t) => {
    t.unique(['client_id', 'reason'], { indexName: 'ux_at_reviews_client_reason' });
  });
  await db.schema.alterTable(T.referralReviews, (t) => {
    t.dropUnique(['client_id'], 'ux_at_reviews_client');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable(T.referralReviews, (t) => {
    t.unique(['client_id'], { indexName: 'ux_at_reviews_client' });
  });
  await db.schema.alterTable(T.referralReviews, (t) => {
    t.dropUnique(['client_id', 'reason'], 'ux_at_reviews_client_reason');
  });
}
