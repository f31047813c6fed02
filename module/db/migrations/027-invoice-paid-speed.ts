import type { Knex } from 'knex';
import { T } from '../tables';

export async function up(db: Knex): Promise<void> {
  // The house's commission expense is no longer kept as a running balance row (module/ledger/ledger.ts,
  // keepsBalanceRow): every commission wrote that one row, which serialised InvoicePaid across app
  // nodes. Its balance is the sum of its entries; the row left behind would be stale, so it goes.
  await db(T.balances).where({ agent_id: 0, account: 'commission_expense' }).delete();
  // Every InvoicePaid reads its invoice's refunds (those saved before the payment was worked out):
  // by index, not a scan of every refund ever stored.
  await db.schema.alterTable(T.refunds, (t) => {
    t.index(['invoice_id'], 'ix_at_refunds_invoice');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
