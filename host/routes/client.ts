import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { HostContext } from '../app';
import type { SessionUser } from '../auth/passport';
import { BillingError } from '../services/billing';

export function requireClient(req: Request, res: Response, next: NextFunction): void {
  const u = req.user as SessionUser | undefined;
  if (u?.kind === 'client') return next();
  res.redirect(302, `/login?return=${encodeURIComponent(req.originalUrl)}`);
}

const idParam = z.coerce.number().int().positive();

/** The client area: invoices, orders and the demo gateway. Every object is checked to be theirs. */
export function clientRoutes(ctx: HostContext): Router {
  const r = express.Router();
  const { db, billing, render, allow } = ctx;
  const me = (req: Request) => req.user as SessionUser;

  async function ownInvoice(req: Request) {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) return null;
    return db('host_invoices').where({ id: id.data, client_id: me(req).clientId }).first();
  }

  r.get('/clientarea', requireClient, allow('invoices'), async (req, res) => {
    const invoices = await db('host_invoices').where({ client_id: me(req).clientId }).orderBy('id', 'desc');
    await render.page(req, res, { title: 'Client area', view: 'client/home', area: 'client', locals: { invoices } });
  });

  r.post('/order', requireClient, allow('orders'), async (req, res, next) => {
    const productId = idParam.safeParse(req.body?.product_id);
    if (!productId.success) return render.page(req, res, { title: 'Order', html: '<p class="alert">Choose a product.</p>', area: 'client', status: 422 });
    try {
      const invoiceId = await billing.placeOrder(me(req).clientId, productId.data);
      res.redirect(303, `/invoices/${invoiceId}`);
    } catch (e) {
      if (e instanceof BillingError) return render.page(req, res, { title: 'Order', html: `<p class="alert">${e.message}</p>`, area: 'client', status: 422 });
      next(e);
    }
  });

  r.get('/invoices/:id', requireClient, allow('invoices'), async (req, res) => {
    const invoice = await ownInvoice(req);
    if (!invoice) return render.page(req, res, { title: 'Invoice', html: '<p class="alert">No such invoice.</p>', area: 'client', status: 404 });
    const lines = await db('host_invoice_items').where({ invoice_id: invoice.id }).orderBy('id');
    await render.page(req, res, { title: `Invoice #${invoice.id}`, view: 'client/invoice', area: 'client', locals: { invoice, lines } });
  });

  // Paying uses the client's own payment method: never a service manager's to use.
  r.post('/invoices/:id/pay', requireClient, allow('never'), async (req, res, next) => {
    const invoice = await ownInvoice(req);
    if (!invoice) return render.page(req, res, { title: 'Invoice', html: '<p class="alert">No such invoice.</p>', area: 'client', status: 404 });
    try {
      await billing.payInvoice(invoice.id);
      res.redirect(303, `/invoices/${invoice.id}`);
    } catch (e) {
      if (e instanceof BillingError) return render.page(req, res, { title: 'Invoice', html: `<p class="alert">${e.message}</p>`, area: 'client', status: 409 });
      next(e);
    }
  });

  return r;
}
