import type { Request, Response } from 'express';

/**
 * What the module asks of the billing platform it is installed into. The reference platform in
 * host/ implements it; so can any other host. Amounts are integer minor units, times are epoch ms.
 */
export interface HostClient {
  id: number;
  email: string;
  firstname: string;
  lastname: string;
  companyname: string | null;
  phonenumber: string | null;
  status: 'Active' | 'Inactive' | 'Closed';
  currency: string;
  created_at: number;
  /** ISO 3166-1 alpha-2 (WHMCS: countrycode), upper case; null when the host does not know it. */
  country: string | null;
  /** The client's language as WHMCS names it ("english", "russian"…); null: the platform's default. */
  language: string | null;
}

export interface HostInvoiceLine {
  id: number;
  description: string;
  amount_minor: number;
  /** WHMCS item type: Hosting, Setup, Addon, Domain, Item… */
  type: string;
  product_id: number | null;
  category_id: number | null;
  category: string | null;
}

export interface HostInvoice {
  id: number;
  client_id: number;
  currency: string;
  status: 'Unpaid' | 'Paid' | 'Refunded' | 'Cancelled';
  total_minor: number;
  date_paid: number | null;
  /**
   * A fingerprint of the payment method that paid it, as the gateway gives one (a card's
   * fingerprint, a keyed hash of an account number); never the number itself. Null when unknown.
   */
  paid_with: string | null;
  lines: HostInvoiceLine[];
}

/** An order, and the invoice it was billed on (several orders may share one invoice). */
export interface HostOrder {
  id: number;
  client_id: number;
  invoice_id: number;
  product_id: number | null;
  /** The domain the order registers, if it does. */
  domain: string | null;
  created_at: number;
}

export interface HostProduct {
  id: number;
  name: string;
  category_id: number;
  category: string;
  price_minor: number;
  currency: string;
}

export type HostQuoteStatus = 'Draft' | 'Sent' | 'Accepted' | 'Declined';

export interface HostQuoteLine {
  product_id: number;
  description: string;
  type: string;
  quantity: number;
  amount_minor: number;
}

/** A quote: for a client, or for a prospect (client_id null until they sign up from it). */
export interface HostQuote {
  id: number;
  client_id: number | null;
  email: string;
  status: HostQuoteStatus;
  currency: string;
  total_minor: number;
  /** The maker's own reference, kept as given (the module's "agenttools:agent:<id>"). */
  ref: string | null;
  /** The invoice its acceptance created. */
  invoice_id: number | null;
  created_at: number;
  /** Where the recipient reads it and accepts or declines: the client area, or a prospect's sign-up. */
  url: string;
  lines: HostQuoteLine[];
}

/** A new quote: the host prices each product (and its setup fee) now; lines share one currency. */
export interface NewHostQuote {
  client_id: number | null;
  email: string;
  ref: string;
  lines: { product_id: number; quantity: number }[];
}

/** The person signed in to the client area, and the client account they act for. */
export interface HostUser {
  user_id: number;
  client_id: number;
  email: string;
  name: string;
  /**
   * The language the platform shows this client in, when it says (the WHMCS bridge sends the
   * client's own setting, else a session language other than the system default: see
   * docs/whmcs.md); absent or null: the client's setting, then their program's language.
   */
  language?: string | null;
}

export interface HostAdmin {
  id: number;
  username: string;
  /** The admin's own language for the admin area, as WHMCS names it ("russian"); absent: the default. */
  language?: string | null;
}

export interface HostEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Credit added to a client's account in the billing platform (WHMCS: AddCredit, tblcredit). */
export interface HostCredit {
  /** The host's id of the credit entry. */
  id: string;
  client_id: number;
  amount_minor: number;
  currency: string;
  created_at: number;
}

/** A page the module produced, for the host to place inside its own layout. */
export interface ModulePage {
  area: 'client' | 'admin';
  title: string;
  breadcrumb: { label: string; href?: string }[];
  html: string;
  status?: number;
}

export interface HostHttp {
  currentUser(req: Request): HostUser | null;
  currentAdmin(req: Request): HostAdmin | null;
  /** The session's anti-forgery token, for the module's forms (field name `_csrf`). */
  csrfToken(req: Request): string;
  /** True when a POST carries the session's token; the module refuses the request otherwise. */
  verifyCsrf(req: Request): boolean;
  loginUrl(area: 'client' | 'admin', returnTo: string): string;
  /**
   * Sign in as client: switch this browser session to the client's account with a new session
   * id, remembering the agent's own account to return to.
   */
  beginSignInAs(req: Request, clientId: number, signInId: string): Promise<void>;
  /** Back to the agent's own account, with a new session id. */
  endSignInAs(req: Request): Promise<void>;
  /** The sign-in-as-client this browser session is in, if any. */
  signInAs(req: Request): { signInId: string } | null;
  sendPage(req: Request, res: Response, page: ModulePage): void;
  /**
   * A file sent with this multipart form request under `field` (PHP's $_FILES[field]); null when
   * none was chosen. `name` and `mime` are what the browser said, so the module does not trust them.
   */
  uploadedFile(req: Request, field: string): { name: string; mime: string; data: Buffer } | null;
}

/** A refund of an invoice, as the host recorded it. */
export interface HostRefund {
  /** The host's id of the refund (the one InvoiceRefunded carries); null when the host keeps none. */
  refund_id: string | null;
  amount_minor: number;
  /** The lines refunded, when the host knows; null spreads it over the invoice. */
  line_ids: number[] | null;
  refunded_at: number;
}

/** An invoice as the module checks its hooks against: whether it is paid, and its refunds. */
export interface HostInvoiceChange {
  id: number;
  client_id: number;
  status: HostInvoice['status'];
  total_minor: number;
  date_paid: number | null;
  /** Oldest first; empty when none. */
  refunds: HostRefund[];
}

/** A client's services and recent invoices, for the agent panel. */
export interface HostClientAccount {
  services: { id: number; product: string; status: string }[];
  invoices: { id: number; currency: string; total_minor: number; status: string; created_at: number }[];
}

export interface HostApi {
  getClient(id: number): Promise<HostClient | null>;
  /** Clients, newest first (the admin's list of clients to assign). */
  listClients(limit: number): Promise<HostClient[]>;
  /**
   * Clients whose name, company or e-mail contains `query` (case-insensitive), at most `limit`,
   * exact e-mail matches first: the admin's pickers. WHMCS: GetClients with `search`.
   */
  searchClients(query: string, limit: number): Promise<HostClient[]>;
  /** The client's services and their latest invoices (at most `invoices`). */
  clientAccount(clientId: number, invoices: number): Promise<HostClientAccount>;
  getInvoice(id: number): Promise<HostInvoice | null>;
  /**
   * Invoices paid or refunded at or after `since` (epoch ms), ordered by id, with an id above
   * `after` (0 for the first page), at most `limit`: the module pages through them to find the
   * InvoicePaid and InvoiceRefunded events it never finished (a crash between the payment and the
   * hook). WHMCS: tblinvoices by datepaid, and tblaccounts' refunds by date.
   */
  invoicesChangedSince(since: number, after: number, limit: number): Promise<HostInvoiceChange[]>;
  getOrder(id: number): Promise<HostOrder | null>;
  /** The fingerprints (see HostInvoice.paid_with) of every payment method the client has paid with. */
  paymentFingerprints(clientId: number): Promise<string[]>;
  getProduct(id: number): Promise<HostProduct | null>;
  /** The products a quote may offer. */
  listProducts(): Promise<HostProduct[]>;
  /** A Draft quote; throws when a product is unknown or the lines' currencies differ. */
  createQuote(quote: NewHostQuote): Promise<HostQuote>;
  getQuote(id: number): Promise<HostQuote | null>;
  listQuotes(filter: { ref?: string; client_id?: number }): Promise<HostQuote[]>;
  /**
   * Draft → Sent: the recipient may now accept it (the host then creates the order and the
   * invoice) or decline it. False when it was already decided.
   */
  markQuoteSent(id: number): Promise<boolean>;
  sendEmail(message: HostEmail): Promise<void>;
  /**
   * Adds credit to the client's account, in the client's currency (a payout "credit to account").
   * Idempotent by `idempotencyKey`: a second call with the same key adds nothing and returns the
   * first call's credit. Throws when the client does not exist or pays in another currency.
   */
  addCredit(clientId: number, amountMinor: number, currency: string, description: string, idempotencyKey: string): Promise<HostCredit>;
  /** Units of `to` for one unit of `from`, as an exact decimal string ("1.0845"); null if unknown. */
  exchangeRate(from: string, to: string): Promise<string | null>;
  /** The public base URL of the provider's site, e.g. https://billing.example.com */
  siteUrl(): string;
  http: HostHttp;
}
