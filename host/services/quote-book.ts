import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../../module/core/clock';
import type { HostQuote, HostQuoteLine, HostQuoteStatus, NewHostQuote } from '../../module/contract/host-api';
import { BillingError } from './billing-error';

/** A quote as the platform stores it: the contract's HostQuote, with its secret link token instead of the URL. */
export type QuoteRecord = Omit<HostQuote, 'url'> & { token: string };

const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));

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
      const p = await this.db('host_products').where({ id: l.product_id }).first();
      if (!p) throw new BillingError('no such product', 'lines');
      if (currency && p.currency !== currency) throw new BillingError('every line of a quote must be in one currency', 'lines');
      currency = String(p.currency);
      lines.push({ product_id: Number(p.id), description: String(p.name), type: 'Hosting', quantity: l.quantity, amount_minor: Number(p.price_minor) * l.quantity });
      if (Number(p.setup_minor) > 0) lines.push({ product_id: Number(p.id), description: `${p.name} setup fee`, type: 'Setup', quantity: l.quantity, amount_minor: Number(p.setup_minor) * l.quantity });
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
    return this.one(await this.db('host_quotes').where({ id }).first());
  }

  /** A prospect's quote, by the token in the e-mailed link; null once a client has it. */
  async byToken(token: string): Promise<QuoteRecord | null> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(token)) return null;
    return this.one(await this.db('host_quotes').where({ token }).whereNull('client_id').first());
  }

  async list(filter: { ref?: string; client_id?: number; statuses?: HostQuoteStatus[] }): Promise<QuoteRecord[]> {
    let q = this.db('host_quotes').orderBy('id', 'desc');
    if (filter.ref !== undefined) q = q.where({ ref: filter.ref });
    if (filter.client_id !== undefined) q = q.where({ client_id: filter.client_id });
    if (filter.statuses) q = q.whereIn('status', filter.statuses);
    const rows = await q;
    return (await Promise.all(rows.map((r) => this.one(r)))).filter((r): r is QuoteRecord => r !== null);
  }

  async markSent(id: number): Promise<boolean> {
    const changed = await this.db('host_quotes').where({ id }).whereIn('status', ['Draft', 'Sent']).update({ status: 'Sent', sent_at: this.clock.now() });
    return changed === 1;
  }

  async decline(id: number, clientId: number): Promise<void> {
    const changed = await this.db('host_quotes').where({ id, client_id: clientId, status: 'Sent' }).update({ status: 'Declined', decided_at: this.clock.now() });
    if (!changed) throw new BillingError('this quote is not waiting for an answer');
  }

  private async one(r: Record<string, unknown> | undefined): Promise<QuoteRecord | null> {
    if (!r) return null;
    const lines = await this.db('host_quote_lines').where({ quote_id: r.id }).orderBy('id');
    return {
      id: Number(r.id),
      client_id: n(r.client_id),
      email: String(r.email),
      token: String(r.token),
      status: r.status as HostQuoteStatus,
      currency: String(r.currency),
      total_minor: Number(r.total_minor),
      ref: r.ref === null ? null : String(r.ref),
      invoice_id: n(r.invoice_id),
      created_at: Number(r.created_at),
      lines: lines.map((l) => ({ product_id: Number(l.product_id), description: l.description, type: l.type, quantity: Number(l.quantity), amount_minor: Number(l.amount_minor) })),
    };
  }
}
