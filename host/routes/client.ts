import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { HostContext } from '../app';
import { redirectToLogin } from './login-redirect';
import { signedIn } from '../auth/passport';
import { BillingError } from '../services/billing';
import { allRows, invoiceItemRow, invoiceRow, oneRow, productRow } from '../db/rows';
import { bodyStrings, errorsOf } from './forms';
import { hookContext } from './hook-context';

export function requireClient(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.kind === 'client') return next();
  redirectToLogin(req, res, '/login');
}

const idParam = z.coerce.number().int().positive();

const orderFields = z.object({
  product_id: z.coerce.number({ message: 'Choose a product.' }).int('Choose a product.').positive('Choose a product.'),
  // The shape only: whether the name is registered is the modules' business.
  domain: z
    .string()
    .trim()
    .max(253, 'At most 253 characters')
    .refine((d) => d === '' || /^[^\s/\\@:?#%[\]]+\.[^\s/\\@:?#%[\]]+$/u.test(d), 'Enter a domain name such as example.com')
    .optional(),
  referral_code: z.string().trim().max(32, 'At most 32 characters').optional(),
});

/** The client area: invoices, orders and the demo gateway. Every object is checked to be theirs. */
export function clientRoutes(ctx: HostContext): Router {
  const r = express.Router();
  const { db, billing, render, allow } = ctx;

  async function ownInvoice(req: Request) {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) return null;
    return oneRow(
      invoiceRow,
      await db('host_invoices')
        .where({ id: id.data, client_id: signedIn(req).clientId })
        .first(),
    );
  }

  r.get('/clientarea', requireClient, allow('invoices'), async (req, res) => {
    const invoices = allRows(
      invoiceRow,
      await db('host_invoices')
        .where({ client_id: signedIn(req).clientId })
        .orderBy('id', 'desc'),
    );
    const homePanels = await render.homePagePanels(signedIn(req).clientId, req);
    await render.page(req, res, { title: 'Client area', view: 'client/home', area: 'client', locals: { invoices, homePanels } });
  });

  const orderForm = async (req: Request, res: Response, values: Record<string, string>, errors: Record<string, string> = {}, status = 200) => {
    const products = allRows(productRow, await db('host_products').orderBy('id'));
    await render.page(req, res, { title: 'Order', view: 'client/order', area: 'client', status, locals: { products, values, errors } });
  };

  r.get('/order', requireClient, allow('orders'), (req, res) => orderForm(req, res, { product_id: typeof req.query.product_id === 'string' ? req.query.product_id : '' }));

  // The home page's one-click Order sends only product_id; the order form adds a domain and a code.
  r.post('/order', requireClient, allow('orders'), async (req, res, next) => {
    const values = bodyStrings(req.body);
    const parsed = orderFields.safeParse(values);
    if (!parsed.success) return orderForm(req, res, values, errorsOf(parsed.error), 422);
    try {
      const { product_id, domain, referral_code } = parsed.data;
      const invoiceId = await billing.placeOrder(signedIn(req).clientId, product_id, { domain, referral_code }, hookContext(req));
      res.redirect(303, `/invoices/${invoiceId}`);
    } catch (e) {
      if (e instanceof BillingError && e.field) return orderForm(req, res, values, { [e.field]: e.message }, 422);
      if (e instanceof BillingError) return render.page(req, res, { title: 'Order', html: `<p class="alert">${e.message}</p>`, area: 'client', status: 422 });
      next(e);
    }
  });

  r.get('/invoices/:id', requireClient, allow('invoices'), async (req, res) => {
    const invoice = await ownInvoice(req);
    if (!invoice) return render.page(req, res, { title: 'Invoice', html: '<p class="alert">No such invoice.</p>', area: 'client', status: 404 });
    const lines = allRows(invoiceItemRow, await db('host_invoice_items').where({ invoice_id: invoice.id }).orderBy('id'));
    await render.page(req, res, { title: `Invoice #${invoice.id}`, view: 'client/invoice', area: 'client', locals: { invoice, lines } });
  });

  // Paying uses the client's own payment method: never a service manager's to use.
  r.post('/invoices/:id/pay', requireClient, allow('never'), async (req, res, next) => {
    const invoice = await ownInvoice(req);
    if (!invoice) return render.page(req, res, { title: 'Invoice', html: '<p class="alert">No such invoice.</p>', area: 'client', status: 404 });
    try {
      await billing.payInvoice(invoice.id, { card: bodyStrings(req.body).card });
      res.redirect(303, `/invoices/${invoice.id}`);
    } catch (e) {
      if (e instanceof BillingError) return render.page(req, res, { title: 'Invoice', html: `<p class="alert">${e.message}</p>`, area: 'client', status: 409 });
      next(e);
    }
  });

  return r;
}
