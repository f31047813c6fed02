import type { Knex } from 'knex';
import { T } from '../tables';

// Payout batches (docs/payouts.md): the admin gathers the due withdrawals of one program, currency
// and method into a batch, approves it, hands its file to the bank (or M-Pesa, or PayPal) and marks
// its lines paid or failed. A withdrawal is in at most one live line: `live_withdrawal_id` is the
// withdrawal's id while its line is included or paid, and null once it was excluded or failed, so
// that a unique key, not a read, refuses a second live line for the same money. The withdrawal
// itself carries the batch it is in (`batch_id`), set by the conditional UPDATE that takes it.
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable(T.payoutBatches, (t) => {
    t.increments('id');
    t.integer('program_id').notNullable();
    /** The program's (and the ledger's) currency of every line's gross, tax and net. */
    t.string('currency', 3).notNullable();
    t.string('method', 16).notNullable();
    /** The currency the method pays in; null for credit, where each line has its client's. */
    t.string('pay_currency', 3).nullable();
    t.bigInteger('cut_off').notNullable();
    /** draft → approved → closed (every line paid, failed or excluded). */
    t.string('status', 16).notNullable();
    t.integer('created_by').notNullable();
    t.bigInteger('created_at').notNullable();
    t.integer('approved_by').nullable();
    t.bigInteger('approved_at').nullable();
    t.bigInteger('closed_at').nullable();
    t.index(['status', 'id'], 'ix_at_payout_batches_status');
  });
  await db.schema.createTable(T.payoutLines, (t) => {
    t.increments('id');
    t.integer('batch_id').notNullable();
    t.integer('withdrawal_id').notNullable();
    t.integer('live_withdrawal_id').nullable().unique('ux_at_payout_lines_live');
    t.integer('agent_id').notNullable();
    /** included → paid | failed, or included → excluded (back to due) while the batch is a draft. */
    t.string('status', 16).notNullable();
    t.bigInteger('gross_minor').notNullable();
    t.integer('tax_bp').notNullable();
    t.bigInteger('tax_minor').notNullable();
    t.bigInteger('net_minor').notNullable();
    /** What the method pays: the net, converted at `rate` (units of pay_currency per unit) when the currencies differ. */
    t.string('pay_currency', 3).notNullable();
    t.string('rate', 32).nullable();
    t.bigInteger('pay_minor').notNullable();
    /** The withholding decision's tax profile and reason (lang key and values, JSON), for the statement. */
    t.integer('tax_profile_id').nullable();
    t.string('tax_basis', 500).notNullable();
    t.string('reason', 500).nullable();
    t.string('reference', 120).nullable();
    t.integer('settled_by').nullable();
    t.bigInteger('settled_at').nullable();
    t.index(['batch_id', 'status'], 'ix_at_payout_lines_batch');
    t.index(['withdrawal_id'], 'ix_at_payout_lines_withdrawal');
  });
  await db.schema.alterTable(T.withdrawals, (t) => {
    t.integer('batch_id').nullable();
    t.index(['batch_id'], 'ix_at_withdrawals_batch');
  });
}

export function down(): Promise<void> {
  return Promise.reject(new Error('Agent Tools migrations are forward-only'));
}
