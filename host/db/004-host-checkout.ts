import type { Knex } from 'knex';

// Checkout details the agent program reads: the domain an order registers and the referral code
// typed at checkout; and, per paid invoice, a fingerprint of the payment method that paid it
// (a keyed hash, never the card number), so that a client paying with an agent's card is known.
export async function upCheckout(db: Knex): Promise<void> {
  await db.schema.alterTable('host_orders', (t) => {
    t.string('domain', 253).nullable();
    t.string('referral_code', 32).nullable();
  });
  await db.schema.alterTable('host_invoices', (t) => {
    t.string('paid_with', 64).nullable();
  });
}
