import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { HostInvoice } from '../contract/host-api';
import type { Ledger } from '../ledger/ledger';
import { backToHouse } from '../ledger/accounts';
import { minor, share, type Minor } from '../money/amount';
import { asRows, json, num, rowOrNull, stringOrNull } from '../db/columns';
import { commissionFromRow, remainingOf } from './commission-row';
import { noOutbox, type Outbox } from '../core/outbox';

/** A refund as stored: how much, and of which lines (null: spread over the whole invoice). */
export interface StoredRefund {
  id: number;
  amount: Minor;
  lineIds: number[] | null;
}

export function storedRefundFromRow(value: unknown): StoredRefund {
  const r = rowOrNull(value);
  if (!r) throw new Error('no refund row');
  const lines = stringOrNull(r.line_ids);
  const ids = lines === null ? null : json(lines);
  if (ids !== null && !(Array.isArray(ids) && ids.every((i) => typeof i === 'number'))) throw new Error(`refund ${num(r.id)} names lines that are not ids`);
  return { id: num(r.id), amount: minor(r.amount_minor), lineIds: ids };
}

/**
 * Takes back what one refund owes from the invoice's commissions: the same share of each that its
 * lines earned, from pending (a void) or, once released, from available (a reversal). Shares
 * are rounded on the running total of the refunds up to this one, so refunds that add up to the
 * invoice take back all of it. `onlyIds` limits it to commissions written after the refund (by a
 * payment that was being worked out while it was made); the others it has already been taken from.
 */
export async function takeBackRefund(trx: Knex.Transaction, ledger: Pick<Ledger, 'post'>, invoice: HostInvoice, refund: StoredRefund, onlyIds?: number[], outbox: Outbox = noOutbox): Promise<number> {
  const lineIds = refund.lineIds;
  const lines = lineIds ? invoice.lines.filter((l) => lineIds.includes(l.id)) : invoice.lines;
  const invoiceTotal = minor(invoice.total_minor);
  const base = minor(lines.reduce((sum, l) => sum + l.amount_minor, 0));
  if (base <= 0 || (onlyIds && !onlyIds.length)) return 0;
  const sums = rowOrNull(
    await trx(T.refunds)
      .where({ invoice_id: invoice.id })
      .where('id', '<=', refund.id)
      .select(trx.raw('SUM(amount_minor) as every'), trx.raw('SUM(CASE WHEN line_ids IS NULL THEN amount_minor ELSE 0 END) as spread'))
      .first(),
  );
  const everything = minor(sums?.every ?? 0) >= invoiceTotal;
  const spread = minor(Math.min(minor(sums?.spread ?? 0), invoiceTotal));
  const query = trx(`${T.commissions} as c`)
    .join(`${T.agents} as a`, 'a.id', 'c.agent_id')
    .where('c.invoice_id', invoice.id)
    .whereIn(
      'c.invoice_line_id',
      lines.map((l) => l.id),
    )
    // A blocked agent's released money was already forfeited as a balance: not taken twice.
    .where((q) => {
      q.where('c.status', 'pending').orWhere((q2) => {
        q2.where('c.status', 'available').where('a.status', 'active');
      });
    });
  if (onlyIds) void query.whereIn('c.id', onlyIds);
  const rows: unknown = await query.select('c.*').forUpdate();
  let changed = 0;
  for (const c of asRows(rows).map(commissionFromRow)) {
    const remaining = remainingOf(c);
    const due = everything ? remaining : lineIds ? share(c.amount, refund.amount, base) : minor(share(c.amount, spread, invoiceTotal) - c.adjusted);
    const take = minor(Math.min(due, remaining));
    if (take <= 0) continue;
    const kind = c.status === 'pending' ? 'void' : 'reverse';
    const adjusted = c.adjusted + take;
    await trx(T.commissions)
      .where({ id: c.id })
      .update({ adjusted_minor: adjusted, status: adjusted === c.amount ? (kind === 'void' ? 'voided' : 'reversed') : c.status });
    await outbox.add(trx, 'commission.reversed', { commission_id: c.id, agent_id: c.agentId, invoice_id: invoice.id, taken_minor: take, currency: c.currency, in_full: adjusted === c.amount });
    await ledger.post(trx, {
      idemKey: `refund:${refund.id}:${c.id}`,
      kind,
      currency: c.currency,
      memo: `invoice ${invoice.id} refunded ${everything ? 'in full' : 'in part'}`,
      commissionId: c.id,
      postings: backToHouse(c.agentId, c.status === 'pending' ? 'pending' : 'available', take),
    });
    changed++;
  }
  return changed;
}
