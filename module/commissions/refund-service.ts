import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { Ledger } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import { minor, neg, share } from '../money/amount';
import { asRows, rowOrNull } from '../db/columns';
import { commissionFromRow, remainingOf } from './commission-row';
import { requireInvoice } from './invoices';

export interface Refund {
  amountMinor?: number;
  refundId?: string;
  lineIds?: number[];
}

/**
 * A refund, whole or partial, takes back the same share of each commission that the refunded
 * lines earned (all lines when the host does not say which): from pending (a void) or, once
 * released, from available (a reversal, which may leave the balance negative: it is deducted
 * from later commissions). Each refund counts once (by the host's refund id). Shares are
 * rounded on the running total, so refunds that add up to the invoice take back all of it.
 * A blocked agent's released money was already forfeited as a balance, so it is not taken twice.
 */
export class RefundService {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getInvoice'>,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly clock: Clock,
  ) {}

  async onInvoiceRefunded(invoiceId: number, refund: Refund = {}): Promise<number> {
    const invoice = await requireInvoice(this.host, invoiceId);
    const lineIds = refund.lineIds;
    const lines = lineIds ? invoice.lines.filter((l) => lineIds.includes(l.id)) : invoice.lines;
    if (lineIds && lines.length !== lineIds.length) throw new Error(`invoice ${invoiceId} has no line ${lineIds.find((id) => !lines.some((l) => l.id === id))}`);
    const invoiceTotal = minor(invoice.total_minor);
    const base = minor(lines.reduce((sum, l) => sum + l.amount_minor, 0));
    const refunded = minor(Math.min(refund.amountMinor ?? base, base));
    const key = refund.refundId ?? (refund.amountMinor === undefined && !lineIds ? 'whole' : `amount:${refunded}`);
    try {
      return await this.db.transaction(async (trx) => {
        const [refundRow] = await trx(T.refunds).insert({
          invoice_id: invoiceId,
          refund_key: `${invoiceId}:${key}`,
          amount_minor: refunded,
          line_ids: lineIds ? JSON.stringify(lineIds) : null,
          created_at: this.clock.now(),
        });
        if (base <= 0) return 0;
        const sums = rowOrNull(
          await trx(T.refunds)
            .where({ invoice_id: invoiceId })
            .select(trx.raw('SUM(amount_minor) as every'), trx.raw('SUM(CASE WHEN line_ids IS NULL THEN amount_minor ELSE 0 END) as spread'))
            .first(),
        );
        const everything = minor(sums?.every ?? 0) >= invoiceTotal;
        const spread = minor(Math.min(minor(sums?.spread ?? 0), invoiceTotal));
        const rows: unknown = await trx(`${T.commissions} as c`)
          .join(`${T.agents} as a`, 'a.id', 'c.agent_id')
          .where('c.invoice_id', invoiceId)
          .whereIn(
            'c.invoice_line_id',
            lines.map((l) => l.id),
          )
          .where((q) => {
            q.where('c.status', 'pending').orWhere((q2) => {
              q2.where('c.status', 'available').where('a.status', 'active');
            });
          })
          .select('c.*')
          .forUpdate();
        let changed = 0;
        for (const c of asRows(rows).map(commissionFromRow)) {
          const remaining = remainingOf(c);
          const due = everything ? remaining : lineIds ? share(c.amount, refunded, base) : minor(share(c.amount, spread, invoiceTotal) - c.adjusted);
          const take = minor(Math.min(due, remaining));
          if (take <= 0) continue;
          const kind = c.status === 'pending' ? 'void' : 'reverse';
          const adjusted = c.adjusted + take;
          await trx(T.commissions)
            .where({ id: c.id })
            .update({ adjusted_minor: adjusted, status: adjusted === c.amount ? (kind === 'void' ? 'voided' : 'reversed') : c.status });
          await this.ledger.post(trx, {
            idemKey: `refund:${refundRow}:${c.id}`,
            kind,
            currency: c.currency,
            memo: `invoice ${invoiceId} refunded ${everything ? 'in full' : 'in part'}`,
            commissionId: c.id,
            postings: [
              { agentId: c.agentId, account: c.status === 'pending' ? 'pending' : 'available', amount: neg(take) },
              { agentId: HOUSE, account: 'commission_expense', amount: take },
            ],
          });
          changed++;
        }
        return changed;
      });
    } catch (e) {
      // This refund was counted before (its key is taken): nothing more to take back.
      if (isUniqueViolation(e)) return 0;
      throw e;
    }
  }
}
