import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { T } from '../tables';
import { asRows, num } from '../columns';

// Vanity slugs (/go/<slug>) and referral codes live on the agent: one of each per agent, unique by
// index so that two requests for the same name cannot both win. NULLs do not collide, on either
// database, so agents without a slug need nothing. Self-referrals a program chose to flag rather
// than refuse wait in the review table until an admin keeps or rejects them.
// A code made as the agents' codes were when this migration was written: 8 of these 25 letters and
// digits, each equally likely. Kept here, so that what this migration did never changes with them.
const CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';
function backfillCode(): string {
  let code = '';
  while (code.length < 8) {
    const byte = crypto.randomBytes(1)[0] ?? 255;
    if (byte < 250) code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
  }
  return code;
}

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable(T.agents, (t) => {
    t.string('slug', 32).nullable();
    t.string('slug_status', 16).nullable();
    t.string('referral_code', 16).nullable();
  });
  await db.schema.alterTable(T.agents, (t) => {
    t.unique(['slug'], { indexName: 'ux_at_agents_slug' });
    t.unique(['referral_code'], { indexName: 'ux_at_agents_referral_code' });
  });
  // Agents from before codes get one now; the unique index guards the (unlikely) collision.
  for (const row of asRows(await db(T.agents).whereNull('referral_code').select('id'))) {
    await db(T.agents)
      .where({ id: num(row.id) })
      .update({ referral_code: backfillCode() });
  }
  await db.schema.createTable(T.referralReviews, (t) => {
    t.increments('id').primary();
    // One review per client: a ClientAdd delivered twice flags once.
    t.integer('client_id').unsigned().notNullable().unique('ux_at_reviews_client');
    t.integer('agent_id').unsigned().notNullable();
    t.string('reason', 64).notNullable();
    t.string('status', 16).notNullable().defaultTo('open');
    t.string('decided_by', 120).nullable();
    t.string('decision_reason', 255).nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('decided_at').nullable();
    t.index(['status'], 'ix_at_reviews_status');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
