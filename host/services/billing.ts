import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../../module/core/clock';
import type { HookContext } from '../../module/contract/hooks';
import type { HookBus } from '../hook-bus';
import { isUniqueViolation } from '../../module/core/errors';
import { hashPassword } from '../auth/passwords';
import { BillingError } from './billing-error';
import { QuoteBook } from './quote-book';
import { INVOICE_DUE_DAYS } from '../db/003-host-services';
import { allRows, clientRow, invoiceRow, oneRow, orderRow, productRow, quoteLineRow, quoteRow, serviceRow } from '../db/rows';

export { BillingError };

const DAY_MS = 86_400_000;

export interface NewClient {
  firstname: string;
  lastname: string;
  email: string;
  password: string;
  companyname?: string;
  phonenumber?: string;
  currency: string;
  /** ISO 3166-1 alpha-2, as WHMCS's country field. */
  country?: string;
  /** WHMCS's language name ("russian"); absent: the platform's default. */
  language?: string;
  /** Typed at sign-up; the modules check it (ClientDetailsValidation) and act on it (ClientAdd). */
  referral_code?: string;
  /** The token of the prospect's quote they signed up from: the quote becomes the new client's. */
  quote_token?: string;
}

/** What the order form adds to a product: both optional. */
export interface CheckoutExtras {
  /** The domain the order registers. */
  domain?: string;
  /** Typed at checkout; the modules check it (ShoppingCartValidateCheckout) and act on it (AfterShoppingCartCheckout). */
  referral_code?: string;
}

/**
 * The platform's billing operations. Each one commits its own change first and then fires the
 * hook, as WHMCS does: a module can never undo a payment, only react to it.
 */
export class Billing {
  readonly quotes: QuoteBook;

  constructor(
    private readonly db: Knex,
    private readonly hooks: HookBus,
    private readonly clock: Clock,
  ) {
    this.quotes = new QuoteBook(db, clock);
  }

  /** The platform's clock, for the routes that stamp what they store. */
  now(): number {
    return this.clock.now();
  }

  async createClient(input: NewClient, ctx?: HookContext): Promise<number> {
    const email = input.email.trim().toLowerCase();
    if (await this.db('host_users').where({ email }).first()) throw new BillingError(EMAIL_TAKEN, 'email');
    const referralCode = input.referral_code?.trim() || undefined;
    const invalid = Object.entries(await this.hooks.validate('ClientDetailsValidation', { email, referral_code: referralCode }, ctx))[0];
    if (invalid) throw new BillingError(invalid[1], invalid[0]);
    const passwordHash = await hashPassword(input.password);
    const now = this.clock.now();
    const { clientId, userId } = await this.db.transaction(async (trx) => {
      const [clientId] = await insertOnce(trx('host_clients'), {
        firstname: input.firstname,
        lastname: input.lastname,
        email,
        companyname: input.companyname || null,
        phonenumber: input.phonenumber || null,
        status: 'Active',
        currency: input.currency,
        created_at: now,
        country: input.country?.toUpperCase() || null,
        language: input.language || null,
      });
      const [userId] = await insertOnce(trx('host_users'), { client_id: clientId, email, password_hash: passwordHash, created_at: now });
      // Before ClientAdd fires, so that its handlers see whose quote brought the client.
      if (input.quote_token) await trx('host_quotes').where({ token: input.quote_token }).whereNull('client_id').update({ client_id: clientId });
      return { clientId: Number(clientId), userId: Number(userId) };
    });
    await this.hooks.run('ClientAdd', { client_id: clientId, user_id: userId, email, firstname: input.firstname, lastname: input.lastname, referral_code: referralCode }, ctx);
    return clientId;
  }

  /**
   * An order of one product: an invoice with the product line and, if any, its setup fee, due in
   * INVOICE_DUE_DAYS. The order form's extras (a domain, a referral code) are checked by the
   * modules first (ShoppingCartValidateCheckout), then AfterShoppingCartCheckout, as WHMCS fires
   * it after a checkout, with the request's cookies.
   */
  async placeOrder(clientId: number, productId: number, checkout: CheckoutExtras = {}, ctx?: HookContext): Promise<number> {
    const product = oneRow(productRow, await this.db('host_products').where({ id: productId }).first());
    if (!product) throw new BillingError('no such product', 'product_id');
    await this.orderingClient(clientId);
    const domain = checkout.domain?.trim().toLowerCase() || undefined;
    const referralCode = checkout.referral_code?.trim() || undefined;
    const invalid = Object.entries(await this.hooks.validate('ShoppingCartValidateCheckout', { userid: clientId, referral_code: referralCode, domain }, ctx))[0];
    if (invalid) throw new BillingError(invalid[1], invalid[0]);
    const now = this.clock.now();
    const lines = [{ description: product.name, type: 'Hosting', product_id: productId, amount_minor: product.price_minor }];
    if (product.setup_minor > 0) lines.push({ description: `${product.name} setup fee`, type: 'Setup', product_id: productId, amount_minor: product.setup_minor });
    const { orderId, invoiceId } = await this.db.transaction(async (trx) => {
      const [invoiceId] = await trx('host_invoices').insert({
        client_id: clientId,
        currency: product.currency,
        status: 'Unpaid',
        total_minor: lines.reduce((s, l) => s + l.amount_minor, 0),
        created_at: now,
        due_at: now + INVOICE_DUE_DAYS * DAY_MS,
        date_paid: null,
        date_refunded: null,
      });
      await trx('host_invoice_items').insert(lines.map((l) => ({ ...l, invoice_id: invoiceId })));
      const [orderId] = await trx('host_orders').insert({
        client_id: clientId,
        product_id: productId,
        invoice_id: invoiceId,
        created_at: now,
        domain: domain ?? null,
        referral_code: referralCode ?? null,
      });
      return { orderId: Number(orderId), invoiceId: Number(invoiceId) };
    });
    await this.hooks.run('AfterShoppingCartCheckout', { OrderID: orderId, InvoiceID: invoiceId, ClientID: clientId, referral_code: referralCode, domain }, ctx);
    return invoiceId;
  }

  /**
   * The client accepts a sent quote: one order per product line and one invoice with the quote's
   * lines, as priced when it was made. The status change is the gate, so a second accept does nothing.
   */
  async acceptQuote(quoteId: number, clientId: number): Promise<number> {
    await this.orderingClient(clientId);
    const now = this.clock.now();
    const { invoiceId, orderId } = await this.db.transaction(async (trx) => {
      const taken = await trx('host_quotes').where({ id: quoteId, client_id: clientId, status: 'Sent' }).update({ status: 'Accepted', decided_at: now });
      if (!taken) throw new BillingError('this quote is not waiting for an answer');
      const quote = oneRow(quoteRow, await trx('host_quotes').where({ id: quoteId }).first());
      if (!quote) throw new Error(`quote ${quoteId} was just accepted and cannot be read back`);
      const lines = allRows(quoteLineRow, await trx('host_quote_lines').where({ quote_id: quoteId }).orderBy('id'));
      const [invoiceId] = await trx('host_invoices').insert({
        client_id: clientId,
        currency: quote.currency,
        status: 'Unpaid',
        total_minor: quote.total_minor,
        created_at: now,
        due_at: now + INVOICE_DUE_DAYS * DAY_MS,
        date_paid: null,
        date_refunded: null,
      });
      await trx('host_invoice_items').insert(
        lines.map((l) => ({
          invoice_id: invoiceId,
          description: l.quantity > 1 ? `${l.description} × ${l.quantity}` : l.description,
          type: l.type,
          product_id: l.product_id,
          amount_minor: l.amount_minor,
        })),
      );
      const ordered = lines.filter((l) => l.type !== 'Setup');
      await trx('host_orders').insert(ordered.map((l) => ({ client_id: clientId, product_id: l.product_id, invoice_id: invoiceId, created_at: now })));
      await trx('host_quotes').where({ id: quoteId }).update({ invoice_id: invoiceId });
      const first = oneRow(orderRow.pick({ id: true }), await trx('host_orders').where({ invoice_id: invoiceId }).orderBy('id').first('id'));
      if (!first) throw new Error(`quote ${quoteId} has no product line, so its invoice ${invoiceId} has no order`);
      return { invoiceId: Number(invoiceId), orderId: first.id };
    });
    // An accepted quote is a checkout like any other: the agent hears of the new order.
    await this.hooks.run('AfterShoppingCartCheckout', { OrderID: orderId, InvoiceID: invoiceId, ClientID: clientId });
    return invoiceId;
  }

  /**
   * The demo gateway: marks the invoice paid and its orders' products Active services, then fires
   * InvoicePaid. A card number, when given, is kept only as its fingerprint (see cardFingerprint).
   */
  async payInvoice(invoiceId: number, payment: { card?: string } = {}): Promise<void> {
    const now = this.clock.now();
    const paidWith = payment.card === undefined ? null : cardFingerprint(payment.card);
    await this.db.transaction(async (trx) => {
      const n = await trx('host_invoices').where({ id: invoiceId, status: 'Unpaid' }).update({ status: 'Paid', date_paid: now, paid_with: paidWith });
      if (!n) throw new BillingError('this invoice is not waiting for payment');
      const orders = allRows(orderRow, await trx('host_orders').where({ invoice_id: invoiceId }).orderBy('id'));
      if (orders.length)
        await trx('host_services').insert(orders.map((o) => ({ client_id: o.client_id, product_id: o.product_id, order_id: o.id, status: 'Active', created_at: now, suspended_at: null })));
    });
    await this.hooks.run('InvoicePaid', { invoiceid: invoiceId });
  }

  /** The admin suspends an Active service; then AfterModuleSuspend, with WHMCS's module params. */
  async suspendService(serviceId: number): Promise<number> {
    const n = await this.db('host_services').where({ id: serviceId, status: 'Active' }).update({ status: 'Suspended', suspended_at: this.clock.now() });
    if (!n) throw new BillingError('only an active service can be suspended');
    const service = oneRow(serviceRow, await this.db('host_services').where({ id: serviceId }).first());
    if (!service) throw new Error(`service ${serviceId} was just suspended and cannot be read back`);
    await this.hooks.run('AfterModuleSuspend', { params: { serviceid: serviceId, userid: service.client_id, pid: service.product_id } });
    return service.client_id;
  }

  async refundInvoice(invoiceId: number): Promise<void> {
    const n = await this.db('host_invoices').where({ id: invoiceId, status: 'Paid' }).update({ status: 'Refunded', date_refunded: this.clock.now() });
    if (!n) throw new BillingError('only a paid invoice can be refunded');
    await this.hooks.run('InvoiceRefunded', { invoiceid: invoiceId });
  }

  async closeClient(clientId: number): Promise<void> {
    const n = await this.db('host_clients').where({ id: clientId }).whereNot({ status: 'Closed' }).update({ status: 'Closed' });
    if (!n) throw new BillingError('this client is already closed or does not exist');
    await this.hooks.run('ClientClose', { userid: clientId });
  }

  /** The daily cron, run at most once per calendar day (UTC) across every app node. */
  async runDailyCron(force = false): Promise<boolean> {
    const day = new Date(this.clock.now()).toISOString().slice(0, 10);
    if (!force) {
      try {
        await this.db('host_cron_runs').insert({ day, started_at: this.clock.now() });
      } catch (e) {
        // The day's row is the lease: only its unique key refused means another run has it.
        if (isUniqueViolation(e)) return false;
        throw e;
      }
    }
    await this.markOverdue();
    await this.hooks.run('DailyCronJob', {});
    return true;
  }

  /**
   * Unpaid invoices past their due date become overdue, each once: the conditional update is the
   * gate, so a forced second run or a second node announces nothing twice. An invoice made
   * without a due date (a quote's) falls due INVOICE_DUE_DAYS after it was made.
   */
  private async markOverdue(): Promise<void> {
    const now = this.clock.now();
    const due = allRows(
      invoiceRow.pick({ id: true }),
      await this.db('host_invoices')
        .where({ status: 'Unpaid' })
        .whereNull('overdue_at')
        .where((q) => {
          // Block bodies: a knex builder is a thenable, which a callback must not return.
          q.where('due_at', '<', now).orWhere((q2) => {
            q2.whereNull('due_at').andWhere('created_at', '<', now - INVOICE_DUE_DAYS * DAY_MS);
          });
        })
        .orderBy('id')
        .select('id'),
    );
    for (const { id } of due) {
      const n = await this.db('host_invoices').where({ id, status: 'Unpaid' }).whereNull('overdue_at').update({ overdue_at: now });
      if (n) await this.hooks.run('InvoiceOverdue', { invoiceid: id });
    }
  }

  /** The client an order is for: refused when there is none or it is closed. */
  private async orderingClient(clientId: number): Promise<void> {
    const client = oneRow(clientRow, await this.db('host_clients').where({ id: clientId }).first());
    if (!client || client.status === 'Closed') throw new BillingError('this account cannot order');
  }
}

const EMAIL_TAKEN = 'this e-mail already has an account';

/**
 * An account's row, whose e-mail is a unique key: sign-ups with one e-mail sent at once all pass
 * the check before it, and the key refuses all but one; the others hear what the check says.
 */
async function insertOnce(into: Knex.QueryBuilder, row: Record<string, unknown>): Promise<number[]> {
  try {
    return await into.insert(row);
  } catch (e) {
    if (isUniqueViolation(e)) throw new BillingError(EMAIL_TAKEN, 'email');
    throw e;
  }
}

/**
 * What a gateway such as Stripe calls a card's fingerprint: the same card gives the same value,
 * and the number cannot be read back from it. The demo gateway takes any 12–19 digits.
 */
export function cardFingerprint(card: string): string {
  const digits = card.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) throw new BillingError('enter a card number of 12 to 19 digits');
  return crypto.createHash('sha256').update(`demo-gateway-card:${digits}`).digest('hex').slice(0, 32);
}
