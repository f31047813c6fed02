import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { asRows, num, numberOrNull, rowOrNull, text } from '../db/columns';

export type HostEventName = 'InvoicePaid' | 'InvoiceRefunded';

/** An invoice is paid once: its InvoicePaid has one delivery key. */
export const PAID_KEY = 'paid';

/** Set by migration 012 when the log began: invoices paid before it have no record, and need none. */
export const LOG_SINCE_SETTING = 'host_events_since';

/**
 * The host events the module has finished, one row per delivery, written after the work
 * committed. A crash between the host's payment and the end of its hook leaves no row, which is
 * how the reconciliation finds the invoice. A second delivery's row is ignored: the first stands.
 */
export class HostEventLog {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async record(event: HostEventName, invoiceId: number, deliveryKey: string, outcome: string, source: 'hook' | 'reconcile' = 'hook'): Promise<void> {
    await this.db(T.hostEvents)
      .insert({ event, invoice_id: invoiceId, delivery_key: deliveryKey, processed_at: this.clock.now(), outcome, source })
      .onConflict(['invoice_id', 'event', 'delivery_key'])
      .ignore();
  }

  /** The outcome of each recorded delivery of these invoices, by `invoice event key`. */
  async processed(invoiceIds: number[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (!invoiceIds.length) return out;
    const rows = asRows(await this.db(T.hostEvents).whereIn('invoice_id', invoiceIds).select('invoice_id', 'event', 'delivery_key', 'outcome'));
    for (const r of rows) out.set(deliveryId(num(r.invoice_id), text(r.event), text(r.delivery_key)), text(r.outcome));
    return out;
  }

  /** When the log began (see LOG_SINCE_SETTING); null on a database migrated without it. */
  async since(): Promise<number | null> {
    const row = rowOrNull(await this.db(T.settings).where({ key: LOG_SINCE_SETTING }).first('value'));
    return row ? numberOrNull(row.value) : null;
  }
}

export function deliveryId(invoiceId: number, event: string, key: string): string {
  return `${invoiceId} ${event} ${key}`;
}
