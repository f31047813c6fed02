import path from 'node:path';
import crypto from 'node:crypto';
import { inspect } from 'node:util';
import express, { type Express } from 'express';
import session from 'express-session';
import cookieParser from 'cookie-parser';
import { ConnectSessionKnexStore } from 'connect-session-knex';
import { csrfSync } from 'csrf-sync';
import multer from 'multer';
import type { Knex } from 'knex';
import type { HostApi } from '../module/contract/host-api';
import type { HostPassport } from './auth/passport';
import { createAgentTools, type AgentTools, type AgentToolsOptions } from '../module/agenttools';
import { registerHooks } from '../hooks';
import { type Clock, systemClock } from '../module/core/clock';
import { type Logger, consoleLogger } from '../module/core/logger';
import { migrateHost } from './db/migrations';
import { HookBus } from './hook-bus';
import { createPassport, type VerifyPassword } from './auth/passport';
import { LoginThrottle } from './auth/login-throttle';
import { clientErrorOf, databaseUnavailable } from './request-errors';
import { createHostApi } from './host-api';
import { Billing } from './services/billing';
import { Mailer } from './services/mailer';
import { createRenderer, type Renderer } from './render';
import { publicRoutes } from './routes/public';
import { clientRoutes } from './routes/client';
import { adminRoutes } from './routes/admin';
import { ticketRoutes } from './routes/tickets';
import { quoteRoutes } from './routes/quotes';
import { bodyStrings } from './routes/forms';

export interface HostOptions {
  db: Knex;
  clock?: Clock;
  logger?: Logger;
  siteUrl?: string;
  smtpUrl?: string;
  /** How often expired sessions are deleted (15 minutes); a test makes it short. */
  sessionCleanupMs?: number;
  /** Checks a password against its hash (scrypt); a test passes one that counts the checks. */
  verifyPassword?: VerifyPassword;
  /** Passed through to the module (its settings, cookie secret, click flush interval). */
  module?: Partial<Omit<AgentToolsOptions, 'db' | 'host' | 'clock' | 'logger'>>;
}

export interface HostContext {
  db: Knex;
  billing: Billing;
  render: Renderer;
  passport: HostPassport;
  throttle: LoginThrottle;
  /** What a service manager signed in as the client may do on a route (see Agent Tools). */
  allow: AgentTools['requireClientPermission'];
}

export interface Host {
  app: Express;
  db: Knex;
  hooks: HookBus;
  billing: Billing;
  agentTools: AgentTools;
  /** The host contract as the module sees it; tests reach through it to stand in for a gateway. */
  api: HostApi;
  /** Flushes the module's buffered clicks; call on shutdown. */
  stop(): Promise<void>;
}

/** The largest file any form may send (PHP's upload_max_filesize); a module may allow less. */
const UPLOAD_MAX_BYTES = 8 * 1024 * 1024;
/**
 * The largest file a signed-in client may send (the exemption certificate form): a little over
 * the module's own 5 MB, so that a file just over it reaches the module and is refused beside
 * its field in the reader's language, while a client cannot make the server hold 8 MiB.
 */
const CLIENT_UPLOAD_MAX_BYTES = 6 * 1024 * 1024;

async function sessionSecret(db: Knex): Promise<string> {
  await db('host_settings')
    .insert({ key: 'session_secret', value: crypto.randomBytes(32).toString('base64url') })
    .onConflict('key')
    .ignore();
  const row = await db<{ key: string; value: string }>('host_settings').where({ key: 'session_secret' }).first();
  if (!row) throw new Error('host_settings has no session_secret');
  return row.value;
}

/**
 * The app's settings, which every request, the referral links' too, runs under. Apart so that
 * `npm run bench` can give its express baseline the same.
 */
export function configureApp(app: Express): void {
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
}

/**
 * The reference billing platform. It loads Agent Tools the way any host would: create it with a
 * HostApi, activate it, register its hooks with add_hook, and mount its router.
 */
export async function createHost(options: HostOptions): Promise<Host> {
  const { db } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? consoleLogger;
  const siteUrl = options.siteUrl ?? 'http://localhost:3000';
  await migrateHost(db);

  const hooks = new HookBus(logger);
  const billing = new Billing(db, hooks, clock);
  const render = createRenderer(hooks);
  const passport = createPassport(db, options.verifyPassword);
  const throttle = await LoginThrottle.create(db);
  const mailer = new Mailer(db, clock, options.smtpUrl);
  const hostApi = createHostApi(db, mailer, siteUrl, render.modulePage, billing.quotes);

  const agentTools = createAgentTools({ db, host: hostApi, clock, logger, ...options.module });
  await agentTools.activate();
  registerHooks(hooks.add, agentTools);

  const app = express();
  configureApp(app);
  // Referral links first: a click passes through no static files, cookie parser or session
  // store (the links read the one cookie they need, the referral cookie, from the header).
  app.use(agentTools.links());
  // Events from billing systems outside the process: signed, so before the session and CSRF too.
  app.use(agentTools.events());
  // The REST API: authenticated by its bearer key, so before the session and CSRF as well.
  app.use(agentTools.api());
  app.use('/assets', express.static(path.join(__dirname, 'public'), { maxAge: '1h' }));
  app.use(cookieParser());

  // The store deletes expired sessions on start and then every cleanupInterval, on each node
  // (a delete by expiry time, which nodes may run at once).
  const store = new ConnectSessionKnexStore({
    knex: db,
    tableName: 'host_sessions',
    createTable: true,
    cleanupInterval: options.sessionCleanupMs ?? 15 * 60_000,
    onDbCleanupError: (e) => logger.error('expired sessions could not be deleted', { error: e instanceof Error ? e.message : inspect(e) }),
  });
  app.use(
    session({
      name: 'billing.sid',
      secret: await sessionSecret(db),
      store,
      resave: false,
      saveUninitialized: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: siteUrl.startsWith('https:'), maxAge: 8 * 3600_000 },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(passport.initialize());
  app.use(passport.session());
  // Multipart bodies are parsed as PHP fills $_FILES, before the CSRF check, which reads the
  // token from the fields; but only for a signed-in admin, the one who uploads (banners), and for
  // a signed-in client on the one client-area form that takes a file (an agent's tax exemption
  // certificate). Files stay in memory, so nobody else may make the server hold one, and the
  // limits are tight.
  const multipartUpTo = (fileSize: number) => multer({ storage: multer.memoryStorage(), limits: { fileSize, files: 1, fields: 50, fieldSize: 64 * 1024, parts: 60 } }).any();
  const adminMultipart = multipartUpTo(UPLOAD_MAX_BYTES);
  const clientMultipart = multipartUpTo(CLIENT_UPLOAD_MAX_BYTES);
  const clientUpload = (req: express.Request) => {
    const asked = req.query.action ?? req.query.t;
    return req.user?.kind === 'client' && req.path === '/index.php' && req.query.m === 'agenttools' && asked === 'uploadExemptionCertificate';
  };
  app.use((req, res, next) => {
    if (!req.is('multipart/form-data')) return next();
    const asAdmin = req.user?.kind === 'admin';
    if (!asAdmin && !clientUpload(req)) {
      const who = req.user?.kind === 'client' ? 'a signed-in client, to a form that takes no file' : 'someone not signed in';
      logger.warn(`refused: an upload from ${who}`, { path: req.path, action: req.query.action ?? req.query.t });
      return render.page(req, res, { title: 'Not allowed', html: '<p class="alert">Only an administrator may upload files.</p>', area: 'public', status: 403 }).catch(next);
    }
    const limit = asAdmin ? UPLOAD_MAX_BYTES : CLIENT_UPLOAD_MAX_BYTES;
    (asAdmin ? adminMultipart : clientMultipart)(req, res, (err: unknown) => {
      if (!err) return next();
      const tooLarge = err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE';
      logger.warn('refused: unreadable upload', { path: req.path, limit, error: err instanceof Error ? err.message : inspect(err) });
      const text = tooLarge ? `The file is too large: uploads may be at most ${limit / (1024 * 1024)} MiB.` : 'The form could not be read. Go back and try again.';
      render.page(req, res, { title: tooLarge ? 'File too large' : 'Bad request', html: `<p class="alert">${text}</p>`, area: 'public', status: tooLarge ? 413 : 400 }).catch(next);
    });
  });
  const { csrfSynchronisedProtection } = csrfSync({
    getTokenFromRequest: (req) => {
      const header = req.headers['x-csrf-token'];
      return bodyStrings(req.body)._csrf ?? (typeof header === 'string' ? header : undefined);
    },
  });
  app.use(csrfSynchronisedProtection);
  app.use(agentTools.signInGuard());

  const ctx: HostContext = { db, billing, render, passport, throttle, allow: (p) => agentTools.requireClientPermission(p) };
  app.use(publicRoutes(ctx));
  app.use(clientRoutes(ctx));
  app.use(adminRoutes(ctx));
  app.use(ticketRoutes(ctx), quoteRoutes(ctx));
  app.use(agentTools.router());

  app.use((req, res, next) => {
    render.page(req, res, { title: 'Not found', html: '<p class="alert">There is no such page.</p>', area: 'public', status: 404 }).catch(next);
  });
  // A page that fails to render here goes on to express's own final handler, a bare 500.
  app.use((err: Error & { code?: string }, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (err.code === 'EBADCSRFTOKEN') {
      logger.warn('refused: missing or wrong CSRF token', { path: req.path });
      return render.page(req, res, { title: 'Form expired', html: '<p class="alert">The form has expired. Go back, reload the page and try again.</p>', area: 'public', status: 403 }).catch(next);
    }
    // A request that cannot be read (a broken %-escape, a body too large or in an unknown
    // encoding) is the sender's fault: a 4xx page, logged as a warning without a stack.
    const refused = clientErrorOf(err);
    if (refused) {
      logger.warn('refused: unreadable request', { path: req.path, status: refused.status, type: refused.type });
      return render.page(req, res, { title: refused.title, html: `<p class="alert">${refused.text}</p>`, area: 'public', status: refused.status }).catch(next);
    }
    // The database out of reach for a moment (a node down, a failover under way): say so, and when to come back.
    if (databaseUnavailable(err)) {
      logger.warn('database unavailable', { path: req.path, error: String(err) });
      return void res.status(503).set('Retry-After', '2').type('text').send('The service is briefly unavailable. Try again in a moment.');
    }
    logger.error('request failed', { path: req.path, error: err.stack ?? String(err) });
    res.status(500).type('text').send('Internal error');
  });

  return {
    app,
    db,
    hooks,
    billing,
    agentTools,
    api: hostApi,
    async stop() {
      // Set to 0, the store schedules no next cleanup after one that is running now.
      store.options.cleanupInterval = 0;
      clearTimeout(store.nextDbCleanup);
      await agentTools.stop();
    },
  };
}
