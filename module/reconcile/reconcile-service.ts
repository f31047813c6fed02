import { errorMessage } from '../core/errors';
import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { HostApi, HostInvoiceChange, HostRefund } from '../contract/host-api';
import type { EarningService } from '../commissions/earning-service';
import { refundKey, type Refund, type RefundService } from '../commissions/refund-service';
import { asRows, num } from '../db/columns';
import { deliveryId, HostEventLog, PAID_KEY } from './host-event-log';

/** What one reconciliation did. */
export interface ReconcileFigures {
  /** Invoices the host listed as paid or refunded in the window. */
  invoices: number;
  /** InvoicePaid events done again (no record, or a record with its commissions missing). */
  paidRedone: number;
  commissionsCreated: number;
  refundsRedone: number;
  /** Invoices whose work failed again; logged, and tried on the next run. */
  failed: number;
}

/** The daily cron looks this far back: a cron that missed a day or two still catches up. */
export const RECENT_DAYS = 7;
const DAY_MS = 86_400_000;
const PAGE = 200;

/**
 * Finds the host's payments and refunds whose hook never finished (the process died between the
 * host's commit and the module's) and does their work, through the same services the hooks call.
 * Those are idempotent by their unique keys, so a delivery that did finish but whose record was
 * lost changes nothing the second time.
 */
export class ReconcileService {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'invoicesChangedSince'>,
    private readonly earnings: Pick<EarningService, 'onInvoicePaid'>,
    private readonly refunds: Pick<RefundService, 'onInvoiceRefunded'>,
    private readonly log: HostEventLog,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** The daily cron's run: the last RECENT_DAYS. */
  reconcileRecent(): Promise<ReconcileFigures> {
    return this.reconcile(this.clock.now() - RECENT_DAYS * DAY_MS);
  }

  async reconcile(since: number): Promise<ReconcileFigures> {
    const figures: ReconcileFigures = { invoices: 0, paidRedone: 0, commissionsCreated: 0, refundsRedone: 0, failed: 0 };
    // Before the log began there are no records to miss: see LOG_SINCE_SETTING.
    const from = Math.max(since, (await this.log.since()) ?? Number.MAX_SAFE_INTEGER);
    for (let after = 0; ;) {
      const page = await this.host.invoicesChangedSince(from, after, PAGE);
      if (!page.length) break;
      const ids = page.map((i) => i.id);
      const done = await this.log.processed(ids);
      const earned = await this.commissionCounts(ids);
      for (const invoice of page) {
        figures.invoices++;
        try {
          await this.reconcileInvoice(invoice, from, done, earned, figures);
        } catch (e) {
          figures.failed++;
          this.logger.error('reconcile: an invoice failed', { invoice: invoice.id, error: errorMessage(e) });
        }
      }
      after = ids[ids.length - 1] ?? after;
      if (page.length < PAGE) break;
    }
    if (figures.paidRedone || figures.refundsRedone || figures.failed) this.logger.warn('reconcile: host events done again', { ...figures });
    return figures;
  }

  private async reconcileInvoice(invoice: HostInvoiceChange, from: number, done: Map<string, string>, earned: Map<number, number>, figures: ReconcileFigures): Promise<void> {
    const paidRecord = done.get(deliveryId(invoice.id, 'InvoicePaid', PAID_KEY));
    const commissions = earned.get(invoice.id) ?? 0;
    if (paidRecord === undefined && commissions > 0) {
      // The hook earned and died before its record. Earning again would ask today's claim, and a
      // client reassigned since is another agent under another unique key: paid twice. The record only.
      await this.log.record('InvoicePaid', invoice.id, PAID_KEY, 'created', 'reconcile');
    }
    // A record that says commissions were made, with none there, is redone too.
    const missing = commissions === 0 && (paidRecord === undefined || paidRecord === 'created');
    if (invoice.status === 'Paid' && invoice.date_paid !== null && invoice.date_paid >= from && missing) {
      const r = await this.earnings.onInvoicePaid(invoice.id);
      await this.log.record('InvoicePaid', invoice.id, PAID_KEY, r.outcome, 'reconcile');
      figures.paidRedone++;
      figures.commissionsCreated += r.commissions;
    }
    // A refund takes back from what the payment earned, so it comes after.
    for (const refund of invoice.refunds) {
      const delivery = deliveryOf(refund);
      // A line refund's base would be its lines' total, which this listing does not carry; the
      // host never records one above it, so its own amount stands in (the key is its amount).
      const key = refundKey(delivery, refund.line_ids ? refund.amount_minor : invoice.total_minor);
      if (refund.refunded_at < from || done.has(deliveryId(invoice.id, 'InvoiceRefunded', key))) continue;
      const { changed } = await this.refunds.onInvoiceRefunded(invoice.id, delivery);
      await this.log.record('InvoiceRefunded', invoice.id, key, `changed:${changed}`, 'reconcile');
      figures.refundsRedone++;
    }
  }

  /** Commission rows (any status) per invoice. */
  private async commissionCounts(ids: number[]): Promise<Map<number, number>> {
    const rows = asRows(await this.db(T.commissions).whereIn('invoice_id', ids).groupBy('invoice_id').select('invoice_id', this.db.raw('COUNT(*) as n')));
    return new Map(rows.map((r) => [num(r.invoice_id), num(r.n)]));
  }
}

/** The refund as its InvoiceRefunded would have carried it. */
function deliveryOf(refund: HostRefund): Refund {
  return {
    amountMinor: refund.amount_minor,
    ...(refund.refund_id !== null ? { refundId: refund.refund_id } : {}),
    ...(refund.line_ids ? { lineIds: refund.line_ids } : {}),
  };
}
