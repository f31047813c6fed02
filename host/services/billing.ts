import type { Knex } from 'knex';
import type { Clock } from '../../module/core/clock';
import type { HookContext } from '../../module/contract/hooks';
import type { HookBus } from '../hook-bus';
import { hashPassword } from '../auth/passwords';

export class BillingError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface NewClient {
  firstname: string;
  lastname: string;
  email: string;
  password: string;
  companyname?: string;
  phonenumber?: string;
  currency: string;
  /** Typed at sign-up; the modules check it (ClientDetailsValidation) and act on it (ClientAdd). */
  referral_code?: string;
}

/**
 * The platform's billing operations. Each one commits its own change first and then fires the
 * hook, as WHMCS does: a module can never undo a payment, only react to it.
 */
export class Billing {
  constructor(
    private readonly db: Knex,
    private readonly hooks: HookBus,
    private readonly clock: Clock,
  ) {}

  async createClient(input: NewClient, ctx?: HookContext): Promise<number> {
    const email = input.email.trim().toLowerCase();
    if (await this.db('host_users').where({ email }).first()) throw new BillingError('an account with this e-mail exists', 'email');
    const referralCode = input.referral_code?.trim() || undefined;
    const invalid = Object.entries(await this.hooks.validate('ClientDetailsValidation', { email, referral_code: referralCode }, ctx))[0];
    if (invalid) throw new BillingError(invalid[1], invalid[0]);
    const passwordHash = await hashPassword(input.password);
    const now = this.clock.now();
    const { clientId, userId } = await this.db.transaction(async (trx) => {
      const [clientId] = await trx('host_clients').insert({
        firstname: input.firstname,
        lastname: input.lastname,
        email,
        companyname: input.companyname || null,
        phonenumber: input.phonenumber || null,
        status: 'Active',
        currency: input.currency,
        created_at: now,
      });
      const [userId] = await trx('host_users').insert({ client_id: clientId, email, password_hash: passwordHash, created_at: now });
      return { clientId: Number(clientId), userId: Number(userId) };
    });
    await this.hooks.run('ClientAdd', { client_id: clientId, user_id: userId, email, firstname: input.firstname, lastname: input.lastname, referral_code: referralCode }, ctx);
    return clientId;
  }

  /** An order of one product: an invoice with the product line and, if any, its setup fee. */
  async placeOrder(clientId: number, productId: number): Promise<number> {
    const product = await this.db('host_products').where({ id: productId }).first();
    if (!product) throw new BillingError('no such product', 'product_id');
    const client = await this.db('host_clients').where({ id: clientId }).first();
    if (!client || client.status === 'Closed') throw new BillingError('this account cannot order');
    const now = this.clock.now();
    const lines = [{ description: String(product.name), type: 'Hosting', product_id: productId, amount_minor: Number(product.price_minor) }];
    if (Number(product.setup_minor) > 0) lines.push({ description: `${product.name} setup fee`, type: 'Setup', product_id: productId, amount_minor: Number(product.setup_minor) });
    return this.db.transaction(async (trx) => {
      const [invoiceId] = await trx('host_invoices').insert({
        client_id: clientId,
        currency: product.currency,
        status: 'Unpaid',
        total_minor: lines.reduce((s, l) => s + l.amount_minor, 0),
        created_at: now,
        date_paid: null,
        date_refunded: null,
      });
      await trx('host_invoice_items').insert(lines.map((l) => ({ ...l, invoice_id: invoiceId })));
      await trx('host_orders').insert({ client_id: clientId, product_id: productId, invoice_id: invoiceId, created_at: now });
      return Number(invoiceId);
    });
  }

  /** The demo gateway: marks the invoice paid, then fires InvoicePaid. */
  async payInvoice(invoiceId: number): Promise<void> {
    const n = await this.db('host_invoices').where({ id: invoiceId, status: 'Unpaid' }).update({ status: 'Paid', date_paid: this.clock.now() });
    if (!n) throw new BillingError('this invoice is not waiting for payment');
    await this.hooks.run('InvoicePaid', { invoiceid: invoiceId });
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
      } catch {
        return false;
      }
    }
    await this.hooks.run('DailyCronJob', {});
    return true;
  }
}
