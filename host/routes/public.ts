import express, { type Router } from 'express';
import { z } from 'zod';
import type { HostContext } from '../app';
import { BillingError } from '../services/billing';
import { authenticateWith } from '../auth/passport';
import { bodyField, bodyStrings, errorsOf, safeReturn } from './forms';
import { hookContext } from './hook-context';
import { allRows, productWithCategoryRow } from '../db/rows';

export const CURRENCIES = ['USD', 'KES', 'RUB', 'EUR'] as const;

const registerForm = z.object({
  firstname: z.string().trim().min(1, 'Enter your first name').max(100, 'At most 100 characters'),
  lastname: z.string().trim().min(1, 'Enter your last name').max(100, 'At most 100 characters'),
  email: z.string().trim().toLowerCase().email('Enter a valid e-mail address').max(190, 'At most 190 characters'),
  phonenumber: z.string().trim().max(40, 'At most 40 characters').optional(),
  password: z.string().min(8, 'At least 8 characters').max(200, 'At most 200 characters'),
  currency: z.enum(CURRENCIES, { message: 'Choose a currency' }),
  country: z
    .string()
    .trim()
    .regex(/^([A-Za-z]{2})?$/, 'A two-letter country code, such as KE')
    .optional(),
  referral_code: z.string().trim().max(32, 'At most 32 characters').optional(),
  /** The token of a prospect's quote, when they sign up from it. */
  quote: z.string().max(64).optional(),
});

/** Home, sign-up, log in and out: the pages anyone may open. */
export function publicRoutes(ctx: HostContext): Router {
  const r = express.Router();
  const { db, billing, render, passport, throttle } = ctx;

  r.get('/', async (req, res) => {
    const products = allRows(productWithCategoryRow, await db('host_products as p').join('host_product_groups as g', 'g.id', 'p.group_id').select('p.*', 'g.name as category').orderBy('p.id'));
    await render.page(req, res, { title: 'Cloud Billing', view: 'home', area: 'client', locals: { products } });
  });

  // A sign-up can come from a link that needs an account first (a service-manager link): it
  // returns there afterwards.
  r.get('/register', (req, res) =>
    render.page(req, res, {
      title: 'Sign up',
      view: 'register',
      area: 'public',
      form: true,
      locals: { currencies: CURRENCIES, values: { currency: 'USD', return: safeReturn(req.query.return, ''), quote: typeof req.query.quote === 'string' ? req.query.quote : '' } },
    }),
  );

  r.post('/register', async (req, res, next) => {
    const values = bodyStrings(req.body);
    const parsed = registerForm.safeParse(values);
    const fail = (errors: Record<string, string>) =>
      render.page(req, res, { title: 'Sign up', view: 'register', area: 'public', form: true, status: 422, locals: { currencies: CURRENCIES, values, errors } });
    if (!parsed.success) return fail(errorsOf(parsed.error));
    try {
      await billing.createClient({ ...parsed.data, quote_token: parsed.data.quote || undefined }, hookContext(req));
    } catch (e) {
      if (e instanceof BillingError) return fail({ [e.field ?? '_form']: e.message });
      return next(e);
    }
    // passport-local reads the credentials from the body: the e-mail as it was stored.
    req.body = { ...values, email: parsed.data.email };
    authenticateWith(passport, 'client', (err, user) => {
      if (err || !user) return next(err ?? new Error('sign-up login failed'));
      req.login(user, (e) => (e ? next(e) : res.redirect(303, safeReturn(values.return, '/clientarea'))));
    })(req, res, next);
  });

  const loginPage =
    (area: 'client' | 'admin') =>
    (req: express.Request, res: express.Response, errors: Record<string, string> = {}, status = 200) =>
      render.page(req, res, {
        title: area === 'admin' ? 'Admin login' : 'Log in',
        view: 'login',
        area: 'public',
        form: true,
        status,
        locals: {
          action: area === 'admin' ? '/admin/login' : '/login',
          usernameField: area === 'admin' ? 'username' : 'email',
          usernameLabel: area === 'admin' ? 'Username' : 'E-mail',
          returnTo: safeReturn(req.query.return ?? bodyField(req.body, 'return'), area === 'admin' ? '/admin' : '/clientarea'),
          errors,
          values: bodyStrings(req.body),
        },
      });

  for (const area of ['client', 'admin'] as const) {
    const path = area === 'admin' ? '/admin/login' : '/login';
    const show = loginPage(area);
    r.get(path, (req, res) => show(req, res));
    r.post(path, (req, res, next) => {
      const name = bodyField(req.body, area === 'admin' ? 'username' : 'email');
      const password = bodyField(req.body, 'password');
      // passport-local falls back to the query string (it has no option against it): a name or
      // password that is not in the body would be checked under another account's bucket.
      if (typeof name !== 'string' || name.trim() === '' || typeof password !== 'string' || password === '') {
        return void show(req, res, { _form: area === 'admin' ? 'Enter your username and password' : 'Enter your e-mail and password' }, 400).catch(next);
      }
      const username = name;
      const ip = req.ip ?? '';
      const login = authenticateWith(passport, area, (err, user, info) => {
        if (err) return next(err);
        if (!user) return void show(req, res, { _form: info?.message ?? 'Wrong credentials' }, 401).catch(next);
        const returnTo = safeReturn(bodyField(req.body, 'return'), area === 'admin' ? '/admin' : '/clientarea');
        // passport regenerates the session id on login (no fixation).
        throttle.succeeded(area, username, ip).then(() => req.login(user, (e) => (e ? next(e) : res.redirect(303, returnTo))), next);
      });
      throttle
        .attempt(area, username, ip)
        .then((verdict) => {
          if (verdict.allowed) return login(req, res, next);
          const minutes = Math.ceil(verdict.retryAfterSeconds / 60);
          res.set('Retry-After', String(verdict.retryAfterSeconds));
          return show(req, res, { _form: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` }, 429);
        }, next)
        .catch(next);
    });
    r.post(area === 'admin' ? '/admin/logout' : '/logout', (req, res, next) => req.logout((e) => (e ? next(e) : res.redirect(303, area === 'admin' ? '/admin/login' : '/'))));
  }

  return r;
}
