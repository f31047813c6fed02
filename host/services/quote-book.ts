import crypto from 'node:crypto';
import type { z } from 'zod';
import type { Knex } from 'knex';
import type { Clock } from '../../module/core/clock';
import type { HostQuote, HostQuoteLine, HostQuoteStatus, NewHostQuote } from '../../module/contract/host-api';
import { allRows, oneRow, productRow, quoteLineRow, quoteRow } from '../db/rows';
import { BillingError } from './billing-error';

/** A quote as the platform stores it: the contract's HostQuote, with its secret link token instead of the URL. */
export type QuoteRecord = Omit<HostQuote, 'url'> & { token: string };

type QuoteRow = z.output<typeof quoteRow>;

/**
 * The platform's quotes: made (priced now, from the products), sent, read. Accepting one is a
 * billing operation (Billing.acceptQuote), as it makes an order and an invoice.
 */
export class QuoteBook {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async create(input: NewHostQuote): Promise<number> {
    if (!input.lines.length) throw new BillingError('a quote needs at least one line', 'lines');
    const lines: Omit<HostQuoteLine, 'quote_id'>[] = [];
    let currency: string | null = null;
    for (const l of input.lines) {
      const p = oneRow(productRow, await this.db('host_products').where({ id: l.product_id }).first());
      if (!p) throw new BillingError('no such product', 'lines');
      if (currency && p.currency !== currency) throw new BillingError('every line of a quote must be in one currency', 'lines');
      currency = p.currency;
      lines.push({ product_id: p.id, description: p.name, type: 'Hosting', quantity: l.quantity, amount_minor: p.price_minor * l.quantity });
      if (p.setup_minor > 0) lines.push({ product_id: p.id, description: `${p.name} setup fee`, type: 'Setup', quantity: l.quantity, amount_minor: p.setup_minor * l.quantity });
    }
    return this.db.transaction(async (trx) => {
      const [id] = await trx('host_quotes').insert({
        client_id: input.client_id,
        email: input.email.trim().toLowerCase(),
        token: crypto.randomBytes(24).toString('base64url'),
        status: 'Draft',
        currency,
        total_minor: lines.reduce((s, l) => s + l.amount_minor, 0),
        ref: input.ref.slice(0, 120),
        invoice_id: null,
        created_at: this.clock.now(),
      });
      await trx('host_quote_lines').insert(lines.map((l) => ({ ...l, quote_id: id })));
      return Number(id);
    });
  }

  async get(id: number): Promise<QuoteRecord | null> {
    return this.one(oneRow(quoteRow, await this.db('host_quotes').where({ id }).first()));
  }

  /** A prospect's quote, by the token in the e-mailed link; null once a client has it. */
  async byToken(token: string): Promise<QuoteRecord | null> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return null;
    return this.one(oneRow(quoteRow, await this.db('host_quotes').where({ token }).whereNull('client_id').first()));
  }

  async list(filter: { ref?: string; client_id?: number; statuses?: HostQuoteStatus[] }): Promise<QuoteRecord[]> {
    let q = this.db('host_quotes').orderBy('id', 'desc');
    if (filter.ref !== undefined) q = q.where({ ref: filter.ref });
    if (filter.client_id !== undefined) q = q.where({ client_id: filter.client_id });
    if (filter.statuses) q = q.whereIn('status', filter.statuses);
    const rows = allRows(quoteRow, await q);
    return Promise.all(rows.map((r) => this.record(r)));
  }

  async markSent(id: number): Promise<boolean> {
    const changed = await this.db('host_quotes').where({ id }).whereIn('status', ['Draft', 'Sent']).update({ status: 'Sent', sent_at: this.clock.now() });
    return changed === 1;
  }

  async decline(id: number, clientId: number): Promise<void> {
    const changed = await this.db('host_quotes').where({ id, client_id: clientId, status: 'Sent' }).update({ status: 'Declined', decided_at: this.clock.now() });
    if (!changed) throw new BillingError('this quote is not waiting for an answer');
  }

  private one(r: QuoteRow | null): Promise<QuoteRecord | null> {
    return r ? this.record(r) : Promise.resolve(null);
  }

  private async record(r: QuoteRow): Promise<QuoteRecord> {
    const lines = allRows(quoteLineRow, await this.db('host_quote_lines').where({ quote_id: r.id }).orderBy('id'));
    return {
      id: r.id,
      client_id: r.client_id,
      email: r.email,
      token: r.token,
      status: r.status,
      currency: r.currency,
      total_minor: r.total_minor,
      ref: r.ref,
      invoice_id: r.invoice_id,
      created_at: r.created_at,
      lines: lines.map((l) => ({ product_id: l.product_id, description: l.description, type: l.type, quantity: l.quantity, amount_minor: l.amount_minor })),
    };
  }
}
