import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { HostApi, HostClient, HostCredit, HostEmail, HostHttp, HostInvoice, HostQuote, ModulePage } from '../../module/contract/host-api';
import { csrf } from './csrf';
import { layout } from './layout';

/** What this host keeps in its session: who is signed in, and the sign-in as client, if any. */
interface HostSession {
  userId?: number;
  admin?: boolean;
  signIn?: { signInId: string; agentUserId: number };
}

export function sessionOf(req: Request): HostSession {
  return req.session;
}

/** A new session id, as on every change of who is signed in, so that an old id is worth nothing. */
export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((e?: Error) => (e ? reject(e) : resolve())));
}

function hashPassword(password: string): string {
  const salt = crypto.randomBytes(16);
  return `${salt.toString('base64')}:${crypto.scryptSync(password, salt, 32).toString('base64')}`;
}

function passwordMatches(password: string, stored: string): boolean {
  const [salt = '', hash = ''] = stored.split(':');
  return crypto.timingSafeEqual(crypto.scryptSync(password, Buffer.from(salt, 'base64'), 32), Buffer.from(hash, 'base64'));
}

/**
 * The billing platform of the minimal host, in memory: clients (one user each, the user id being
 * the client id), their paid invoices and an outbox, and the HostApi over them. It sells no
 * products, makes no quotes and bills in one currency, so those parts of the contract answer
 * "none"; host/host-api.ts is the full implementation.
 */
export class MemoryBilling implements HostApi {
  private readonly clients = new Map<number, HostClient & { passwordHash: string }>();
  private readonly invoices = new Map<number, HostInvoice>();
  private readonly adminPasswordHash: string;
  readonly outbox: HostEmail[] = [];
  private lastId = 0;

  constructor(
    private readonly site: string,
    private readonly admin: { username: string; password: string },
  ) {
    this.adminPasswordHash = hashPassword(admin.password);
  }

  addClient(c: { email: string; firstname: string; lastname: string; password: string }): HostClient {
    const { password, ...fields } = c;
    const client = { ...fields, id: ++this.lastId, companyname: null, phonenumber: null, status: 'Active' as const, currency: 'USD', created_at: Date.now(), country: null, language: null };
    this.clients.set(client.id, { ...client, passwordHash: hashPassword(password) });
    return client;
  }

  clientByEmail(email: string): HostClient | null {
    return [...this.clients.values()].find((c) => c.email === email.trim().toLowerCase()) ?? null;
  }

  signInClient(email: string, password: string): HostClient | null {
    const c = this.clients.get(this.clientByEmail(email)?.id ?? 0);
    return c && c.status !== 'Closed' && passwordMatches(password, c.passwordHash) ? c : null;
  }

  signInAdmin(username: string, password: string): boolean {
    return username === this.admin.username && passwordMatches(password, this.adminPasswordHash);
  }

  setPassword(clientId: number, password: string): void {
    const c = this.clients.get(clientId);
    if (c) c.passwordHash = hashPassword(password);
  }

  /** Where a payment gateway's callback lands: the invoice is recorded paid; the caller fires InvoicePaid. */
  recordPaidInvoice(clientId: number, lines: { description: string; amount_minor: number }[]): HostInvoice {
    const id = ++this.lastId;
    const invoice: HostInvoice = {
      id,
      client_id: clientId,
      currency: 'USD',
      status: 'Paid',
      total_minor: lines.reduce((sum, l) => sum + l.amount_minor, 0),
      date_paid: Date.now(),
      paid_with: null,
      lines: lines.map((l, i) => ({ ...l, id: id * 100 + i, type: 'Item', product_id: null, category_id: null, category: null })),
    };
    this.invoices.set(id, invoice);
    return invoice;
  }

  invoicesOf(clientId: number): HostInvoice[] {
    return [...this.invoices.values()].filter((i) => i.client_id === clientId).reverse();
  }

  getClient(id: number): Promise<HostClient | null> {
    const c = this.clients.get(id);
    if (!c) return Promise.resolve(null);
    const { passwordHash: _secret, ...client } = c;
    return Promise.resolve(client);
  }
  async listClients(limit: number) {
    const ids = [...this.clients.keys()].reverse().slice(0, limit);
    return (await Promise.all(ids.map((id) => this.getClient(id)))).filter((c) => c !== null);
  }
  /** Every word typed in the name, company or e-mail; an exact e-mail first. */
  async searchClients(query: string, limit: number) {
    const q = query.trim().toLowerCase();
    const words = q.split(/\s+/).filter(Boolean);
    const all = (await Promise.all([...this.clients.keys()].reverse().map((id) => this.getClient(id)))).filter((c) => c !== null);
    const found = all.filter((c) => words.every((w) => [c.email, c.firstname, c.lastname, c.companyname ?? ''].join(' ').toLowerCase().includes(w)));
    return found.sort((a, b) => Number(b.email.toLowerCase() === q) - Number(a.email.toLowerCase() === q)).slice(0, limit);
  }
  clientAccount(clientId: number, invoices: number) {
    const latest = this.invoicesOf(clientId).slice(0, invoices);
    return Promise.resolve({ services: [], invoices: latest.map((i) => ({ id: i.id, currency: i.currency, total_minor: i.total_minor, status: i.status, created_at: i.date_paid ?? 0 })) });
  }
  getInvoice(id: number) {
    return Promise.resolve(this.invoices.get(id) ?? null);
  }
  /** This host never refunds: only paid invoices, by when they were paid. */
  invoicesChangedSince(since: number, after: number, limit: number) {
    const changed = [...this.invoices.values()].filter((i) => i.id > after && i.date_paid !== null && i.date_paid >= since).sort((a, b) => a.id - b.id);
    return Promise.resolve(changed.slice(0, limit).map((i) => ({ id: i.id, client_id: i.client_id, status: i.status, total_minor: i.total_minor, date_paid: i.date_paid, refunds: [] })));
  }
  getOrder() {
    return Promise.resolve(null);
  }
  paymentFingerprints() {
    return Promise.resolve([]);
  }
  getProduct() {
    return Promise.resolve(null);
  }
  listProducts() {
    return Promise.resolve([]);
  }
  createQuote(): Promise<HostQuote> {
    return Promise.reject(new Error('this host makes no quotes'));
  }
  getQuote() {
    return Promise.resolve(null);
  }
  listQuotes() {
    return Promise.resolve([]);
  }
  markQuoteSent() {
    return Promise.resolve(false);
  }
  sendEmail(message: HostEmail) {
    this.outbox.push(message);
    return Promise.resolve();
  }
  /** Credit on clients' accounts, by idempotency key: the same key twice is one credit. */
  readonly credits = new Map<string, HostCredit>();
  addCredit(clientId: number, amountMinor: number, currency: string, _description: string, key: string): Promise<HostCredit> {
    const first = this.credits.get(key);
    if (first) return Promise.resolve(first);
    const client = this.clients.get(clientId);
    if (!client) return Promise.reject(new Error(`client ${clientId} does not exist`));
    if (client.currency !== currency) return Promise.reject(new Error(`client ${clientId} pays in ${client.currency}, not ${currency}`));
    const credit: HostCredit = { id: String(this.credits.size + 1), client_id: clientId, amount_minor: amountMinor, currency, created_at: Date.now() };
    this.credits.set(key, credit);
    return Promise.resolve(credit);
  }
  exchangeRate() {
    return Promise.resolve(null);
  }
  siteUrl() {
    return this.site;
  }

  http: HostHttp = {
    currentUser: (req) => {
      const c = this.clients.get(sessionOf(req).userId ?? 0);
      return c && c.status !== 'Closed' ? { user_id: c.id, client_id: c.id, email: c.email, name: `${c.firstname} ${c.lastname}` } : null;
    },
    currentAdmin: (req) => (sessionOf(req).admin ? { id: 1, username: this.admin.username } : null),
    csrfToken: (req) => csrf.generateToken(req),
    verifyCsrf: (req) => csrf.isRequestValid(req),
    loginUrl: (area, returnTo) => `${area === 'admin' ? '/admin/login' : '/login'}?return=${encodeURIComponent(returnTo)}`,
    beginSignInAs: async (req, clientId, signInId) => {
      const agentUserId = sessionOf(req).userId;
      if (agentUserId === undefined) throw new Error('only a signed-in agent can sign in as a client');
      await regenerateSession(req);
      Object.assign(sessionOf(req), { userId: clientId, signIn: { signInId, agentUserId } });
    },
    endSignInAs: async (req) => {
      const signIn = sessionOf(req).signIn;
      if (!signIn) return;
      await regenerateSession(req);
      sessionOf(req).userId = signIn.agentUserId;
    },
    signInAs: (req) => {
      const signIn = sessionOf(req).signIn;
      return signIn ? { signInId: signIn.signInId } : null;
    },
    sendPage: (req: Request, res: Response, page: ModulePage) => {
      res
        .status(page.status ?? 200)
        .type('html')
        .send(this.page(req, page.title, page.html));
    },
    // This host takes no uploads, so an admin cannot add banners here; text links still work.
    uploadedFile: () => null,
  };

  /** A page in this host's layout, with the sign-in-as-client banner when there is one. */
  page(req: Request, title: string, html: string): string {
    const user = this.http.currentUser(req);
    return layout({ title, html, userName: user?.name ?? null, signedInAs: sessionOf(req).signIn !== undefined, csrfToken: csrf.generateToken(req) });
  }
}
