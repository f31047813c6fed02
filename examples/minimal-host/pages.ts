import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { parse as parseCookies } from 'cookie';
import { z } from 'zod';
import type { HookBus } from './hook-bus';
import { escapeHtml } from './layout';
import { type MemoryBilling, regenerateSession, sessionOf } from './memory-billing';
import { csrf } from './csrf';

/** The host's own pages; install.ts decides what guards each. */
export interface HostPages {
  /** Home, sign-up and sign-in, for clients and the admin: no client account is read in them. */
  public: Router;
  /** Lets a signed-in client through, and sends anyone else to sign in. */
  client: RequestHandler;
  invoices: RequestHandler;
  passwordForm: RequestHandler;
  changePassword: RequestHandler;
}

const signUpForm = z.object({
  email: z.string().trim().toLowerCase().email(),
  firstname: z.string().trim().min(1).max(64),
  lastname: z.string().trim().min(1).max(64),
  password: z.string().min(8).max(200),
});
const signInForm = z.object({ email: z.string().max(254), password: z.string().max(200) });
const adminForm = z.object({ username: z.string().max(64), password: z.string().max(200) });
const passwordChange = z.object({ password: z.string().min(8).max(200) });

/** USD 123.45 from 12345 minor units: this host bills in US dollars only, two decimals. */
function usd(minor: number): string {
  const digits = String(Math.abs(minor)).padStart(3, '0');
  return `USD ${minor < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** Only a path on this site: a `return=` must not send the browser elsewhere. */
function localPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') ? value : fallback;
}

export function hostPages(billing: MemoryBilling, hooks: HookBus): HostPages {
  const send = (req: Request, res: Response, title: string, html: string, status = 200) =>
    res
      .status(status)
      .type('html')
      .send(billing.page(req, title, html));
  const form = (req: Request, action: string, fields: string[], button: string) =>
    `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="_csrf" value="${escapeHtml(csrf.generateToken(req))}">` +
    fields.map((f) => `<label>${f} <input name="${f}" type="${f === 'password' ? 'password' : 'text'}"></label>`).join('') +
    `<button>${button}</button></form>`;
  const signIn = async (req: Request, res: Response, who: { userId: number } | { admin: true }, next: string) => {
    await regenerateSession(req);
    Object.assign(sessionOf(req), who);
    res.redirect(303, next);
  };

  const pub = express.Router();
  pub.get('/', (req, res) => send(req, res, 'Cloud Billing', '<p>The minimal host of Agent Tools.</p>'));
  pub.get('/register', (req, res) => send(req, res, 'Sign up', form(req, '/register', ['email', 'firstname', 'lastname', 'password'], 'Sign up')));
  pub.post('/register', async (req, res) => {
    const input = signUpForm.safeParse(req.body);
    if (!input.success || billing.clientByEmail(input.data.email)) return send(req, res, 'Sign up', '<p class="alert">Check the form: that e-mail may be taken.</p>', 422);
    const client = billing.addClient(input.data);
    // The referral cookie travels with ClientAdd: it is how the module knows whose link was followed.
    const request = { cookies: parseCookies(req.headers.cookie ?? ''), ip: req.ip, userAgent: req.get('user-agent') };
    await hooks.run('ClientAdd', { client_id: client.id, user_id: client.id, email: client.email, firstname: client.firstname, lastname: client.lastname }, { request });
    await signIn(req, res, { userId: client.id }, '/clientarea');
  });
  pub.get('/login', (req, res) => send(req, res, 'Sign in', form(req, `/login?return=${encodeURIComponent(localPath(req.query.return, '/clientarea'))}`, ['email', 'password'], 'Sign in')));
  pub.post('/login', async (req, res) => {
    const input = signInForm.safeParse(req.body);
    const client = input.success ? billing.signInClient(input.data.email, input.data.password) : null;
    if (!client) return send(req, res, 'Sign in', '<p class="alert">Wrong e-mail or password.</p>', 401);
    await signIn(req, res, { userId: client.id }, localPath(req.query.return, '/clientarea'));
  });
  pub.get('/admin/login', (req, res) =>
    send(
      req,
      res,
      'Admin sign in',
      form(req, `/admin/login?return=${encodeURIComponent(localPath(req.query.return, '/admin/addonmodules.php?module=agenttools'))}`, ['username', 'password'], 'Sign in'),
    ),
  );
  pub.post('/admin/login', async (req, res) => {
    const input = adminForm.safeParse(req.body);
    if (!input.success || !billing.signInAdmin(input.data.username, input.data.password)) return send(req, res, 'Admin sign in', '<p class="alert">Wrong username or password.</p>', 401);
    await signIn(req, res, { admin: true }, localPath(req.query.return, '/admin/addonmodules.php?module=agenttools'));
  });

  const clientId = (req: Request) => {
    const user = billing.http.currentUser(req);
    if (!user) throw new Error('no client is signed in: this page must come after the client guard');
    return user.client_id;
  };
  return {
    public: pub,
    client: (req, res, next) => (billing.http.currentUser(req) ? next() : res.redirect(302, billing.http.loginUrl('client', req.originalUrl))),
    invoices: (req, res) => {
      const rows = billing.invoicesOf(clientId(req)).map((i) => `<li data-testid="invoice">#${i.id} ${usd(i.total_minor)} ${i.status}</li>`);
      send(req, res, 'Invoices', rows.length ? `<ul>${rows.join('')}</ul>` : '<p>No invoices yet.</p>');
    },
    passwordForm: (req, res) => send(req, res, 'Change password', form(req, '/account/password', ['password'], 'Change password')),
    changePassword: (req, res) => {
      const input = passwordChange.safeParse(req.body);
      if (!input.success) return send(req, res, 'Change password', '<p class="alert">A password has at least 8 characters.</p>', 422);
      billing.setPassword(clientId(req), input.data.password);
      send(req, res, 'Change password', '<p>Your password was changed.</p>');
    },
  };
}
