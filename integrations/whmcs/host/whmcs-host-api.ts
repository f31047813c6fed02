import type {
  HostApi,
  HostClient,
  HostClientAccount,
  HostCredit,
  HostEmail,
  HostHttp,
  HostInvoice,
  HostInvoiceChange,
  HostInvoiceLine,
  HostOrder,
  HostProduct,
  HostQuote,
} from '../../../module/contract/host-api';
import { systemClock } from '../../../module/core/clock';
import { LoadingCache } from '../../../module/core/loading-cache';
import { WhmcsApi, WhmcsApiError } from './whmcs-api';
import { clientProducts, clients, currencies, invoiceAnswer, invoices, orders, products, refundsOf, toClient, toInvoice, whmcsAmount, whmcsTime } from './whmcs-decode';
import { divideRates, toProduct, type WhmcsProduct } from './whmcs-products';
import { addWhmcsCredit } from './whmcs-credit';

export interface WhmcsHostOptions {
  api: WhmcsApi;
  /** The WHMCS System URL as clients see it. */
  siteUrl: string;
  /** The zone WHMCS's server writes its dates in (PHP's date.timezone). */
  timeZone?: string;
  /** How the client area reaches the module: the bridge's signed requests (bridge-http.ts). */
  http: HostHttp;
  /** Product group names by gid: WHMCS's GetProducts gives a product's gid, not its group's name. */
  productGroups?: Record<number, string>;
}

/** How far back, by creation date, the reconciliation looks for invoices paid since its start. */
const LOOKBACK_MS = 92 * 86_400_000;

const notFound = (e: unknown) => e instanceof WhmcsApiError && /not found/i.test(e.message);

/**
 * The host contract over WHMCS's documented API (GetClientsDetails, GetInvoice, GetInvoices,
 * GetClientsProducts, GetProducts, GetOrders, GetTransactions, GetCurrencies, SendEmail, GetCredits,
 * AddCredit), so that
 * a module running beside WHMCS reads its clients, invoices and products as the core expects.
 * What WHMCS's API cannot give is said where it stands (payment fingerprints, quotes).
 */
export class WhmcsHostApi implements HostApi {
  readonly http: HostHttp;
  private readonly api: WhmcsApi;
  private readonly zone: string;
  private readonly products: LoadingCache<number, WhmcsProduct>;
  /** A service's product (an invoice line's relid), which never changes. */
  private readonly services: LoadingCache<number, { pid: number; groupname: string }>;

  constructor(private readonly options: WhmcsHostOptions) {
    this.api = options.api;
    this.http = options.http;
    this.zone = options.timeZone ?? 'UTC';
    this.products = new LoadingCache(async (pid) => products.parse(await this.api.call('GetProducts', { pid })).products[0] ?? null, systemClock, { ttlMs: 300_000, maxEntries: 5_000 });
    this.services = new LoadingCache(
      async (serviceid) => {
        const service = clientProducts.parse(await this.api.call('GetClientsProducts', { serviceid })).products[0];
        return service ? { pid: service.pid, groupname: service.groupname } : null;
      },
      systemClock,
      { ttlMs: 3_600_000 },
    );
  }

  async getClient(id: number): Promise<HostClient | null> {
    try {
      return toClient(await this.api.call('GetClientsDetails', { clientid: id, stats: 'false' }), this.zone);
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  async listClients(limit: number): Promise<HostClient[]> {
    const found = clients.parse(await this.api.call('GetClients', { limitnum: limit, orderby: 'id', sorting: 'DESC' })).clients;
    const out = await Promise.all(found.map((c) => this.getClient(c.id)));
    return out.filter((c) => c !== null);
  }

  /** WHMCS's GetClients `search` matches name, company and e-mail; the details come one by one. */
  async searchClients(query: string, limit: number): Promise<HostClient[]> {
    const found = clients.parse(await this.api.call('GetClients', { search: query.trim(), limitnum: limit, orderby: 'id', sorting: 'DESC' })).clients;
    const out = (await Promise.all(found.map((c) => this.getClient(c.id)))).filter((c) => c !== null);
    const q = query.trim().toLowerCase();
    return out.sort((a, b) => Number(b.email.toLowerCase() === q) - Number(a.email.toLowerCase() === q));
  }

  async clientAccount(clientId: number, n: number): Promise<HostClientAccount> {
    const [services, recent] = await Promise.all([
      this.api.call('GetClientsProducts', { clientid: clientId }),
      this.api.call('GetInvoices', { userid: clientId, limitnum: n, orderby: 'id', order: 'desc' }),
    ]);
    return {
      services: clientProducts.parse(services).products.map((p) => ({ id: p.id, product: p.name, status: p.status })),
      invoices: invoices
        .parse(recent)
        .invoices.map((i) => ({ id: i.id, currency: i.currencycode, total_minor: whmcsAmount(i.total, i.currencycode), status: i.status, created_at: whmcsTime(i.date, this.zone) ?? 0 })),
    };
  }

  async getInvoice(id: number): Promise<HostInvoice | null> {
    let answer;
    try {
      answer = invoiceAnswer.parse(await this.api.call('GetInvoice', { invoiceid: id }));
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
    const client = await this.getClient(answer.userid);
    if (!client) throw new WhmcsApiError('GetInvoice', `invoice ${id} belongs to client ${answer.userid}, who does not exist`);
    const lines = await Promise.all(answer.items.map((item) => this.line(item, client.currency)));
    return { ...toInvoice(answer, client.currency, this.zone), lines };
  }

  /** A line's product, when it bills a service (Hosting, its Setup fee): relid is the service. */
  private async line(item: { id: number; type: string; relid: number; description: string; amount: string }, code: string): Promise<HostInvoiceLine> {
    const service = (item.type === 'Hosting' || item.type === 'Setup') && item.relid > 0 ? await this.services.get(item.relid) : null;
    const product = service ? await this.products.get(service.pid) : null;
    const category = product ? (this.options.productGroups?.[product.gid] ?? (service?.groupname || null)) : null;
    return { id: item.id, description: item.description, amount_minor: whmcsAmount(item.amount, code), type: item.type, product_id: service?.pid ?? null, category_id: product?.gid ?? null, category };
  }

  async invoicesChangedSince(since: number, after: number, limit: number): Promise<HostInvoiceChange[]> {
    const found = new Map<number, { userid: number; status: string; currencycode: string }>();
    for (const status of ['Paid', 'Refunded']) {
      for (let start = 0; ; start += 100) {
        const page = invoices.parse(await this.api.call('GetInvoices', { status, orderby: 'id', order: 'desc', limitstart: start, limitnum: 100 })).invoices;
        for (const i of page) if (i.id > after && ((whmcsTime(i.datepaid, this.zone) ?? 0) >= since || status === 'Refunded')) found.set(i.id, i);
        // Ordered by id, newest first: once a page was all made long before `since`, older ones were too.
        if (page.length < 100 || page.every((i) => (whmcsTime(i.date, this.zone) ?? 0) < since - LOOKBACK_MS)) break;
      }
    }
    const ids = [...found.keys()].sort((a, b) => a - b);
    const out: HostInvoiceChange[] = [];
    for (const id of ids) {
      if (out.length >= limit) break;
      const inv = invoiceAnswer.parse(await this.api.call('GetInvoice', { invoiceid: id }));
      const code = found.get(id)?.currencycode ?? '';
      const refunds = refundsOf(inv.transactions, code, this.zone);
      const base = toInvoice(inv, code, this.zone);
      if ((base.date_paid ?? -1) < since && !refunds.some((r) => r.refunded_at >= since)) continue;
      out.push({ id, client_id: base.client_id, status: base.status, total_minor: base.total_minor, date_paid: base.date_paid, refunds });
    }
    return out;
  }

  async getOrder(id: number): Promise<HostOrder | null> {
    const order = orders.parse(await this.api.call('GetOrders', { id })).orders[0];
    if (!order) return null;
    const productLine = order.lineitems.find((l) => l.type === 'product' && l.relid > 0);
    const service = productLine ? await this.services.get(productLine.relid) : null;
    const domain = order.lineitems.find((l) => l.domain)?.domain ?? null;
    return { id: order.id, client_id: order.userid, invoice_id: order.invoiceid, product_id: service?.pid ?? null, domain, created_at: whmcsTime(order.date, this.zone) ?? 0 };
  }

  /** WHMCS's API gives no fingerprint of a pay method (only its last four digits), so none: no card-based self-referral check. */
  paymentFingerprints(): Promise<string[]> {
    return Promise.resolve([]);
  }

  async getProduct(id: number): Promise<HostProduct | null> {
    const p = await this.products.get(id);
    return p ? toProduct(p, this.options.productGroups) : null;
  }

  async listProducts(): Promise<HostProduct[]> {
    return products.parse(await this.api.call('GetProducts')).products.map((p) => toProduct(p, this.options.productGroups));
  }

  /** Quotes made through the bridge are not supported yet: the agent's quote form says so. */
  createQuote(): Promise<HostQuote> {
    return Promise.reject(new Error('Quotes are not available through the WHMCS bridge'));
  }
  getQuote(): Promise<HostQuote | null> {
    return Promise.resolve(null);
  }
  listQuotes(): Promise<HostQuote[]> {
    return Promise.resolve([]);
  }
  markQuoteSent(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** A custom message to the client with this address (agents and their clients are WHMCS clients). */
  async sendEmail(message: HostEmail): Promise<void> {
    const client = clients.parse(await this.api.call('GetClients', { search: message.to, limitnum: 1 })).clients[0];
    if (!client) throw new WhmcsApiError('SendEmail', `no client has the address ${message.to}`);
    await this.api.call('SendEmail', { id: client.id, customtype: 'general', customsubject: message.subject, custommessage: message.html ?? message.text });
  }

  /** WHMCS's AddCredit, made idempotent by the key kept in the credit's description (whmcs-credit.ts). */
  async addCredit(clientId: number, amountMinor: number, code: string, description: string, key: string): Promise<HostCredit> {
    const client = await this.getClient(clientId);
    if (!client) throw new WhmcsApiError('AddCredit', `client ${clientId} does not exist`);
    return addWhmcsCredit(this.api, client, this.zone, amountMinor, code, description, key);
  }

  async exchangeRate(from: string, to: string): Promise<string | null> {
    const rates = new Map(currencies.parse(await this.api.call('GetCurrencies')).currencies.map((c) => [c.code, c.rate]));
    const a = rates.get(from);
    const b = rates.get(to);
    return a && b ? divideRates(b, a) : null;
  }

  siteUrl(): string {
    return this.options.siteUrl.replace(/\/$/, '');
  }
}
