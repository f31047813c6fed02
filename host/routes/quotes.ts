import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { HostContext } from '../app';
import { signedIn } from '../auth/passport';
import { BillingError } from '../services/billing';
import type { QuoteRecord } from '../services/quote-book';
import { requireClient } from './client';

const idParam = z.coerce.number().int().positive();
/** What a client sees: a draft is still the sender's. */
const VISIBLE = ['Sent', 'Accepted', 'Declined'] as const;

/**
 * Quotes in the client area: the client's own, accepted (an order and an invoice) or declined
 * with a form. A prospect reads theirs through the e-mailed token and signs up to answer it.
 */
export function quoteRoutes(ctx: HostContext): Router {
  const r = express.Router();
  const { billing, render, allow } = ctx;
  const fail = (req: Request, res: Response, status: number, text: string) => render.page(req, res, { title: 'Quote', html: `<p class="alert">${text}</p>`, area: 'client', status });

  async function ownQuote(req: Request): Promise<QuoteRecord | null> {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) return null;
    const q = await billing.quotes.get(id.data);
    return q && q.client_id === signedIn(req).clientId && VISIBLE.some((s) => s === q.status) ? q : null;
  }

  r.get('/quotes', requireClient, allow('quotes'), async (req, res) => {
    const quotes = await billing.quotes.list({ client_id: signedIn(req).clientId, statuses: [...VISIBLE] });
    await render.page(req, res, { title: 'Quotes', view: 'quotes/list', area: 'client', locals: { quotes } });
  });

  r.get('/quotes/:id', requireClient, allow('quotes'), async (req, res) => {
    const quote = await ownQuote(req);
    if (!quote) return fail(req, res, 404, 'No such quote.');
    await render.page(req, res, { title: `Quote #${quote.id}`, view: 'quotes/quote', area: 'client', locals: { quote, prospect: false } });
  });

  r.post('/quotes/:id/accept', requireClient, allow('quotes'), async (req, res, next) => {
    const quote = await ownQuote(req);
    if (!quote) return fail(req, res, 404, 'No such quote.');
    try {
      const invoiceId = await billing.acceptQuote(quote.id, signedIn(req).clientId);
      res.redirect(303, `/invoices/${invoiceId}`);
    } catch (e) {
      if (e instanceof BillingError) return fail(req, res, 409, e.message);
      next(e);
    }
  });

  r.post('/quotes/:id/decline', requireClient, allow('quotes'), async (req, res, next) => {
    const quote = await ownQuote(req);
    if (!quote) return fail(req, res, 404, 'No such quote.');
    try {
      await billing.quotes.decline(quote.id, signedIn(req).clientId);
      res.redirect(303, `/quotes/${quote.id}`);
    } catch (e) {
      if (e instanceof BillingError) return fail(req, res, 409, e.message);
      next(e);
    }
  });

  // The token is the prospect's only key: it stops working once the quote belongs to a client.
  r.get('/quote/:token', async (req, res) => {
    const quote = await billing.quotes.byToken(String(req.params.token));
    if (!quote || quote.status !== 'Sent') return fail(req, res, 404, 'This quote link is not valid any more.');
    const signUp = `/register?quote=${encodeURIComponent(quote.token)}&return=${encodeURIComponent(`/quotes/${quote.id}`)}`;
    await render.page(req, res, { title: `Quote #${quote.id}`, view: 'quotes/quote', area: 'public', locals: { quote, prospect: true, signUp } });
  });

  return r;
}
