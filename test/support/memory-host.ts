/* eslint-disable @typescript-eslint/require-await -- an in-memory HostApi: async by the contract, with nothing to wait for */
import type { HostApi, HostClient, HostCredit, HostEmail, HostInvoice, HostOrder, HostProduct, HostQuote, HostRefund } from '../../module/contract/host-api';

export interface InvoiceLineSpec {
  amount: number;
  category?: string;
  productId?: number;
  description?: string;
}

/**
 * A host that keeps its clients and invoices in memory, for tests that drive the core through
 * hooks without HTTP. It implements the same contract the reference platform does.
 */
export class MemoryHost implements HostApi {
  readonly clients = new Map<number, HostClient>();
  readonly invoices = new Map<number, HostInvoice>();
  readonly products = new Map<number, HostProduct>();
  readonly orders = new Map<number, HostOrder>();
  readonly emails: HostEmail[] = [];
  /** Refunds by invoice id, which a test records beside the invoice's status. */
  readonly refunds = new Map<number, HostRefund[]>();
  /** "EUR>USD" → "1.0845" */
  readonly rates = new Map<string, string>();
  private nextLine = 1;

  addClient(id: number, email = `client${id}@example.com`): HostClient {
    const c: HostClient = {
      id,
      email,
      firstname: `Client${id}`,
      lastname: 'Test',
      companyname: null,
      phonenumber: null,
      status: 'Active',
      currency: 'USD',
      created_at: 0,
      country: null,
      language: null,
    };
    this.clients.set(id, c);
    return c;
  }

  /** A paid invoice with one line per amount (minor units). */
  addPaidInvoice(id: number, clientId: number, amounts: number[], paidAt: number, currency = 'USD'): HostInvoice {
    return this.addInvoice(
      id,
      clientId,
      amounts.map((amount) => ({ amount })),
      paidAt,
      currency,
    );
  }

  /** A paid invoice whose lines name their product and category, as a real host's do. */
  addInvoice(id: number, clientId: number, lines: InvoiceLineSpec[], paidAt: number, currency = 'USD'): HostInvoice {
    const made = lines.map((l) => ({
      id: this.nextLine++,
      description: l.description ?? l.category ?? 'item',
      amount_minor: l.amount,
      type: 'Item',
      product_id: l.productId ?? null,
      category_id: null,
      category: l.category ?? null,
    }));
    const inv: HostInvoice = { id, client_id: clientId, currency, status: 'Paid', total_minor: lines.reduce((s, l) => s + l.amount, 0), date_paid: paidAt, paid_with: null, lines: made };
    this.invoices.set(id, inv);
    return inv;
  }

  async getClient(id: number) {
    return this.clients.get(id) ?? null;
  }
  async listClients(limit: number) {
    return [...this.clients.values()].reverse().slice(0, limit);
  }
  async searchClients(query: string, limit: number) {
    const q = query.trim().toLowerCase();
    const words = q.split(/\s+/).filter(Boolean);
    const text = (c: HostClient) => [c.email, c.firstname, c.lastname, c.companyname ?? ''].join(' ').toLowerCase();
    const found = [...this.clients.values()].reverse().filter((c) => words.every((w) => text(c).includes(w)));
    return found.sort((a, b) => Number(b.email.toLowerCase() === q) - Number(a.email.toLowerCase() === q)).slice(0, limit);
  }
  async clientAccount(clientId: number, invoices: number) {
    const mine = [...this.invoices.values()]
      .filter((i) => i.client_id === clientId)
      .reverse()
      .slice(0, invoices);
    return { services: [], invoices: mine.map((i) => ({ id: i.id, currency: i.currency, total_minor: i.total_minor, status: i.status, created_at: i.date_paid ?? 0 })) };
  }
  async getInvoice(id: number) {
    return this.invoices.get(id) ?? null;
  }
  async invoicesChangedSince(since: number, after: number, limit: number) {
    return [...this.invoices.values()]
      .map((i) => ({ id: i.id, client_id: i.client_id, status: i.status, total_minor: i.total_minor, date_paid: i.date_paid, refunds: this.refunds.get(i.id) ?? [] }))
      .filter((i) => i.id > after && ((i.date_paid ?? -1) >= since || i.refunds.some((r) => r.refunded_at >= since)))
      .sort((a, b) => a.id - b.id)
      .slice(0, limit);
  }
  async getOrder(id: number) {
    return this.orders.get(id) ?? null;
  }
  async paymentFingerprints(clientId: number) {
    return [...new Set([...this.invoices.values()].filter((i) => i.client_id === clientId && i.paid_with !== null).map((i) => i.paid_with!))];
  }
  async getProduct(id: number) {
    return this.products.get(id) ?? null;
  }
  async listProducts() {
    return [...this.products.values()];
  }
  // Quotes live in the reference platform; the in-memory host has none and cannot make one.
  async createQuote(): Promise<HostQuote> {
    throw new Error('MemoryHost has no quotes');
  }
  async getQuote() {
    return null;
  }
  async listQuotes() {
    return [];
  }
  async markQuoteSent() {
    return false;
  }
  async exchangeRate(from: string, to: string) {
    return this.rates.get(`${from}>${to}`) ?? null;
  }
  async sendEmail(message: HostEmail) {
    this.emails.push(message);
  }
  /** Credits added to clients' accounts, by idempotency key (a second call returns the first). */
  readonly credits = new Map<string, HostCredit>();
  async addCredit(clientId: number, amountMinor: number, currency: string, _description: string, key: string): Promise<HostCredit> {
    const first = this.credits.get(key);
    if (first) return first;
    const client = this.clients.get(clientId);
    if (!client) throw new Error(`client ${clientId} does not exist`);
    if (client.currency !== currency) throw new Error(`client ${clientId} pays in ${client.currency}, not ${currency}`);
    const credit: HostCredit = { id: String(this.credits.size + 1), client_id: clientId, amount_minor: amountMinor, currency, created_at: 0 };
    this.credits.set(key, credit);
    return credit;
  }
  siteUrl() {
    return 'http://billing.test';
  }
  http: HostApi['http'] = {
    currentUser: () => null,
    currentAdmin: () => null,
    csrfToken: () => '',
    verifyCsrf: () => false,
    loginUrl: () => '/login',
    beginSignInAs: async () => undefined,
    endSignInAs: async () => undefined,
    signInAs: () => null,
    sendPage: () => undefined,
    uploadedFile: () => null,
  };
}
