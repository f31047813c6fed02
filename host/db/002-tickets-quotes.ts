import type { Knex } from 'knex';

// Support tickets and quotes. A quote's lines are priced when it is made, so the client accepts
// exactly what they were sent; a prospect's quote has an e-mail and a token, and no client yet.
export async function upTicketsQuotes(db: Knex): Promise<void> {
  await db.schema.createTable('host_tickets', (t) => {
    t.increments('id');
    t.integer('client_id').notNullable().index('ix_host_tickets_client');
    t.string('subject', 190).notNullable();
    t.string('status', 16).notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
  });
  await db.schema.createTable('host_ticket_replies', (t) => {
    t.increments('id');
    t.integer('ticket_id').notNullable().index('ix_host_ticket_replies_ticket');
    t.string('author', 8).notNullable();
    t.string('author_name', 255).notNullable();
    t.text('message').notNullable();
    t.bigInteger('created_at').notNullable();
  });
  await db.schema.createTable('host_quotes', (t) => {
    t.increments('id');
    t.integer('client_id').nullable().index('ix_host_quotes_client');
    t.string('email', 190).notNullable();
    t.string('token', 64).notNullable().unique('uq_host_quotes_token');
    t.string('status', 16).notNullable();
    t.string('currency', 3).notNullable();
    t.bigInteger('total_minor').notNullable();
    // Who made it, in the maker's own terms (a module's "agenttools:agent:7"); the host never reads it.
    t.string('ref', 120).nullable().index('ix_host_quotes_ref');
    t.integer('invoice_id').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('sent_at').nullable();
    t.bigInteger('decided_at').nullable();
  });
  await db.schema.createTable('host_quote_lines', (t) => {
    t.increments('id');
    t.integer('quote_id').notNullable().index('ix_host_quote_lines_quote');
    t.integer('product_id').notNullable();
    t.string('description', 255).notNullable();
    t.string('type', 32).notNullable();
    t.integer('quantity').notNullable();
    t.bigInteger('amount_minor').notNullable();
  });
}
