import type { Knex } from 'knex';
import type { Request, Response } from 'express';
import type { HostApi, HostClient, HostInvoice, HostProduct, HostEmail, HostQuote, ModulePage } from '../module/contract/host-api';
import crypto from 'node:crypto';
import { z } from 'zod';
import { beginSignInAs, endSignInAs } from './auth/sign-in-as';
import { allRows, clientRow, currencyRow, invoiceItemRow, invoiceRow, oneRow, orderRow, productRow, productWithCategoryRow, serviceRow } from './db/rows';
import { bodyField } from './routes/forms';
import type { Mailer } from './services/mailer';
import type { QuoteBook, QuoteRecord } from './services/quote-book';
import { addClientCredit } from './services/client-credits';

/** A client's service, named by its product, as the module's account page lists it. */
const accountServiceRow = serviceRow.pick({ id: true, status: true }).extend({ name: productRow.shape.name });

/** An invoice line with its product's group, which a line without a product has none of. */
const invoiceLineRow = invoiceItemRow.extend({ category_id: invoiceItemRow.shape.product_id, category: z.string().nullable() });

export interface PageRenderer {
  (req: Request, res: Response, page: ModulePage): void;
}

/** The reference platform's side of the host contract. */
export function createHostApi(db: Knex, mailer: Mailer, siteUrl: string, sendPage: PageRenderer, quotes: QuoteBook): HostApi {
  // A client reads a quote in the client area; a prospect through the token, until they sign up.
  const toHostQuote = ({ token, ...q }: QuoteRecord): HostQuote => ({ ...q, url: q.client_id === null ? `${siteUrl}/quote/${token}` : `${siteUrl}/quotes/${q.id}` });
  return {
    async listClients(limit) {
      return allRows(clientRow, await db('host_clients').orderBy('id', 'desc').limit(limit)).map(toHostClient);
    },

    async searchClients(query, limit) {
      // Every word typed must be in one of the columns ("ada love" finds Ada Lovelace). LIKE's
      // own wildcards in what the admin typed match themselves ('!' escapes them in both SQLs).
      const words = query.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
      const rows = await db('host_clients')
        .where((q) => {
          for (const word of words) {
            const like = `%${word.replace(/[!%_]/g, (c) => `!${c}`)}%`;
            q.andWhere((w) => {
              for (const col of ['email', 'firstname', 'lastname', 'companyname']) w.orWhereRaw(`LOWER(${col}) LIKE ? ESCAPE '!'`, [like]);
            });
          }
        })
        .orderByRaw('CASE WHEN LOWER(email) = ? THEN 0 ELSE 1 END', [query.trim().toLowerCase()])
        .orderBy('id', 'desc')
        .limit(limit);
      return allRows(clientRow, rows).map(toHostClient);
    },

    async clientAccount(clientId, invoices) {
      const services = allRows(
        accountServiceRow,
        await db('host_services as s').join('host_products as p', 'p.id', 's.product_id').where('s.client_id', clientId).orderBy('s.id').select('s.id', 'p.name', 's.status'),
      );
      const latest = allRows(invoiceRow, await db('host_invoices').where({ client_id: clientId }).orderBy('id', 'desc').limit(invoices));
      return {
        services: services.map((r) => ({ id: r.id, product: r.name, status: r.status })),
        invoices: latest.map((r) => ({ id: r.id, currency: r.currency, total_minor: r.total_minor, status: r.status, created_at: r.created_at })),
      };
    },

    async getClient(id) {
      const r = oneRow(clientRow, await db('host_clients').where({ id }).first());
      return r ? toHostClient(r) : null;
    },

    async getInvoice(id) {
      const r = oneRow(invoiceRow, await db('host_invoices').where({ id }).first());
      if (!r) return null;
      const items = await db('host_invoice_items as i')
        .leftJoin('host_products as p', 'p.id', 'i.product_id')
        .leftJoin('host_product_groups as g', 'g.id', 'p.group_id')
        .where('i.invoice_id', id)
        .orderBy('i.id')
        .select('i.*', 'g.id as category_id', 'g.name as category');
      return {
        id: r.id,
        client_id: r.client_id,
        currency: r.currency,
        status: r.status,
        total_minor: r.total_minor,
        date_paid: r.date_paid,
        paid_with: r.paid_with,
        lines: allRows(invoiceLineRow, items).map((i) => ({
          id: i.id,
          description: i.description,
          amount_minor: i.amount_minor,
          type: i.type,
          product_id: i.product_id,
          category_id: i.category_id,
          category: i.category,
        })),
      } satisfies HostInvoice;
    },

    async invoicesChangedSince(since, after, limit) {
      const rows = allRows(
        invoiceRow,
        await db('host_invoices')
          .where('id', '>', after)
          .where((q) => {
            q.where('date_paid', '>=', since).orWhere('date_refunded', '>=', since);
          })
          .orderBy('id')
          .limit(limit),
      );
      // This platform refunds an invoice whole, once, and fires InvoiceRefunded without a refund id.
      return rows.map((r) => ({
        id: r.id,
        client_id: r.client_id,
        status: r.status,
        total_minor: r.total_minor,
        date_paid: r.date_paid,
        refunds: r.date_refunded === null ? [] : [{ refund_id: null, amount_minor: r.total_minor, line_ids: null, refunded_at: r.date_refunded }],
      }));
    },

    async getOrder(id) {
      const r = oneRow(orderRow, await db('host_orders').where({ id }).first());
      if (!r) return null;
      return { id: r.id, client_id: r.client_id, invoice_id: r.invoice_id, product_id: r.product_id, domain: r.domain, created_at: r.created_at };
    },

    async paymentFingerprints(clientId) {
      return allRows(z.string(), await db('host_invoices').where({ client_id: clientId }).whereNotNull('paid_with').distinct().pluck('paid_with'));
    },

    async getProduct(id) {
      const r = oneRow(productWithCategoryRow, await db('host_products as p').join('host_product_groups as g', 'g.id', 'p.group_id').where('p.id', id).first('p.*', 'g.name as category'));
      return r ? toHostProduct(r) : null;
    },

    async listProducts() {
      return allRows(productWithCategoryRow, await db('host_products as p').join('host_product_groups as g', 'g.id', 'p.group_id').orderBy('p.id').select('p.*', 'g.name as category')).map(
        toHostProduct,
      );
    },

    async createQuote(input) {
      const id = await quotes.create(input);
      const quote = await quotes.get(id);
      if (!quote) throw new Error(`quote ${id} was just created and cannot be read back`);
      return toHostQuote(quote);
    },

    async getQuote(id) {
      const q = await quotes.get(id);
      return q ? toHostQuote(q) : null;
    },

    async listQuotes(filter) {
      return (await quotes.list(filter)).map(toHostQuote);
    },

    markQuoteSent: (id) => quotes.markSent(id),

    async exchangeRate(from, to) {
      const rows = allRows(currencyRow, await db('host_currencies').whereIn('code', [from, to]));
      const rate = (c: string) => rows.find((r) => r.code === c)?.rate;
      const a = rate(from);
      const b = rate(to);
      return a && b ? divideDecimals(b, a) : null;
    },

    async sendEmail(message: HostEmail) {
      await mailer.send(message);
    },

    addCredit: (clientId, amountMinor, currency, description, key) => addClientCredit(db, Date.now(), clientId, amountMinor, currency, description, key),

    siteUrl: () => siteUrl,

    http: {
      currentUser(req) {
        const u = req.user;
        return u && u.kind === 'client' ? { user_id: u.id, client_id: u.clientId, email: u.email, name: u.name } : null;
      },
      currentAdmin(req) {
        const u = req.user;
        return u && u.kind === 'admin' ? { id: u.id, username: u.email, language: u.language ?? null } : null;
      },
      csrfToken: (req) => req.csrfToken?.() ?? '',
      verifyCsrf(req) {
        const sent = bodyField(req.body, '_csrf') ?? req.get('x-csrf-token');
        const expected = req.session?.csrfToken;
        if (typeof sent !== 'string' || typeof expected !== 'string' || sent.length !== expected.length) return false;
        return crypto.timingSafeEqual(Buffer.from(sent), Buffer.from(expected));
      },
      beginSignInAs: (req, clientId, signInId) => beginSignInAs(db, req, clientId, signInId),
      endSignInAs: (req) => endSignInAs(db, req),
      signInAs: (req) => (req.session?.signIn ? { signInId: req.session.signIn.signInId } : null),
      loginUrl: (area, returnTo) => `${area === 'admin' ? '/admin/login' : '/login'}?return=${encodeURIComponent(returnTo)}`,
      sendPage,
      uploadedFile(req, field) {
        // Parsed in app.ts for every multipart request; an empty file input arrives as no file.
        const file = Array.isArray(req.files) ? req.files.find((f) => f.fieldname === field) : undefined;
        return file && file.size > 0 ? { name: file.originalname, mime: file.mimetype, data: file.buffer } : null;
      },
    },
  };
}

/** b ÷ a for decimal strings, to 12 places (the module rounds the converted amount once). */
function divideDecimals(b: string, a: string): string {
  const scale = (s: string) => {
    const [w, f = ''] = s.split('.');
    return { n: BigInt(w + f), places: f.length };
  };
  const x = scale(b);
  const y = scale(a);
  const q = (x.n * 10n ** BigInt(12 + y.places)) / (y.n * 10n ** BigInt(x.places));
  const digits = q.toString().padStart(13, '0');
  return `${digits.slice(0, -12)}.${digits.slice(-12)}`.replace(/\.?0+$/, '');
}

function toHostClient(r: z.output<typeof clientRow>): HostClient {
  // An empty field is no value: the contract's null.
  return { ...r, companyname: r.companyname || null, phonenumber: r.phonenumber || null, country: r.country || null, language: r.language || null };
}

function toHostProduct(r: z.output<typeof productWithCategoryRow>): HostProduct {
  return { id: r.id, name: r.name, category_id: r.group_id, category: r.category, price_minor: r.price_minor, currency: r.currency };
}
