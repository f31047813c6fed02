import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { HostContext } from '../app';
import { redirectToLogin } from './login-redirect';
import { BillingError } from '../services/billing';
import { allRows, clientRow, invoiceRow, oneRow, productRow, serviceRow } from '../db/rows';

export function requireAdmin(req: Request, res: Response, next: NextFunction): void {
  if (req.user?.kind === 'admin') return next();
  redirectToLogin(req, res, '/admin/login');
}

const idParam = z.coerce.number().int().positive();
/** A client's service, named by its product, as the client's page lists it. */
const clientServiceRow = serviceRow.pick({ id: true, status: true }).extend({ product: productRow.shape.name });
const NOTICES: Record<string, string> = { cron: 'The daily cron ran.', closed: 'The client was closed.', refunded: 'The invoice was refunded.', suspended: 'The service was suspended.' };

/** The admin area: clients, invoices, refunds, closing accounts, the cron. */
export function adminRoutes(ctx: HostContext): Router {
  const r = express.Router();
  const { db, billing, render } = ctx;
  r.use('/admin', (req, res, next) => (req.path === '/login' || req.path === '/logout' || req.path === '/addonmodules.php' ? next() : requireAdmin(req, res, next)));
  const notice = (req: Request) => (typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null);
  const fail = (req: Request, res: Response, status: number, text: string) => render.page(req, res, { title: 'Admin', html: `<p class="alert">${text}</p>`, area: 'admin', status });

  r.get('/admin', async (req, res) => {
    const clients = allRows(clientRow, await db('host_clients').orderBy('id', 'desc').limit(200));
    const invoices = allRows(invoiceRow, await db('host_invoices').orderBy('id', 'desc').limit(50));
    await render.page(req, res, { title: 'Dashboard', view: 'admin/dashboard', area: 'admin', locals: { clients, invoices, notice: notice(req) } });
  });

  r.get('/admin/clients/:id', async (req, res) => {
    const id = idParam.safeParse(req.params.id);
    const client = id.success ? oneRow(clientRow, await db('host_clients').where({ id: id.data }).first()) : null;
    if (!client) return fail(req, res, 404, 'No such client.');
    const invoices = allRows(invoiceRow, await db('host_invoices').where({ client_id: client.id }).orderBy('id', 'desc'));
    const services = allRows(
      clientServiceRow,
      await db('host_services as s').join('host_products as p', 'p.id', 's.product_id').where('s.client_id', client.id).orderBy('s.id', 'desc').select('s.id', 's.status', 'p.name as product'),
    );
    await render.page(req, res, { title: `Client #${client.id}`, view: 'admin/client', area: 'admin', locals: { client, invoices, services, notice: notice(req) } });
  });

  const act = (path: string, run: (id: number) => Promise<void>, done: (id: number) => string) =>
    r.post(path, async (req, res, next) => {
      const id = idParam.safeParse(req.params.id);
      if (!id.success) return fail(req, res, 404, 'Not found.');
      try {
        await run(id.data);
        res.redirect(303, done(id.data));
      } catch (e) {
        if (e instanceof BillingError) return fail(req, res, 409, e.message);
        next(e);
      }
    });

  act(
    '/admin/clients/:id/close',
    (id) => billing.closeClient(id),
    (id) => `/admin/clients/${id}?done=closed`,
  );
  act(
    '/admin/invoices/:id/refund',
    (id) => billing.refundInvoice(id),
    () => '/admin?done=refunded',
  );

  // Back to the service's client, whom only the suspension itself looks up.
  r.post('/admin/services/:id/suspend', async (req, res, next) => {
    const id = idParam.safeParse(req.params.id);
    if (!id.success) return fail(req, res, 404, 'Not found.');
    try {
      res.redirect(303, `/admin/clients/${await billing.suspendService(id.data)}?done=suspended`);
    } catch (e) {
      if (e instanceof BillingError) return fail(req, res, 409, e.message);
      next(e);
    }
  });

  r.post('/admin/cron', async (_req, res) => {
    await billing.runDailyCron(true);
    res.redirect(303, '/admin?done=cron');
  });

  return r;
}
