import type { Server } from 'node:http';
import express, { type Express } from 'express';
import session from 'express-session';
import type { Knex } from 'knex';
import { createAgentTools } from '../../module/agenttools';
import type { HostApi } from '../../module/contract/host-api';
import type { AddHook } from '../../module/contract/hooks';
import { registerHooks } from '../../hooks';
import { csrf } from './csrf';
import type { HostPages } from './pages';

export interface Installation {
  db: Knex;
  host: HostApi;
  addHook: AddHook;
  pages: HostPages;
  sessionSecret: string;
}

/**
 * Agent Tools in an express host. The order is the point: the links before the session, the
 * sign-in guard before every page, a client permission on every client-area route.
 */
export async function installAgentTools(app: Express, { db, host, addHook, pages, sessionSecret }: Installation) {
  // The settings seed the default program on first activation; the admin area changes them later.
  const agentTools = createAgentTools({ db, host, settings: { commission_percent: '10' } });
  await agentTools.activate(); // creates or updates its tables: safe on every start
  registerHooks(addHook, agentTools); // ClientAdd, InvoicePaid, InvoiceRefunded, ClientClose, …

  app.use(agentTools.links()); // /aff.php, /go/<slug>, /r/<code>: before the session, a click needs none
  // One process: sessions in memory. Several app nodes keep them in the database (see host/app.ts).
  app.use(session({ name: 'billing.sid', secret: sessionSecret, resave: false, saveUninitialized: false, cookie: { httpOnly: true, sameSite: 'lax' } }));
  app.use(express.urlencoded({ extended: false, limit: '64kb' }));
  app.use(csrf.csrfSynchronisedProtection); // every POST, the module's too, carries the session's token
  app.use(agentTools.signInGuard()); // before every page: a revoke or a block ends a sign-in as client here

  app.use(pages.public);
  // What a service manager signed in as the client may do: what the client granted, and 'never'
  // what no one else may (the password, payment methods).
  app.get('/clientarea', pages.client, agentTools.requireClientPermission('invoices'), pages.invoices);
  app.get('/account/password', pages.client, agentTools.requireClientPermission('never'), pages.passwordForm);
  app.post('/account/password', pages.client, agentTools.requireClientPermission('never'), pages.changePassword);

  app.use(agentTools.router()); // /index.php?m=agenttools and /admin/addonmodules.php?module=agenttools
  return agentTools;
}

/** A graceful stop: the module flushes the clicks it buffers, then the process ends by itself. */
export function stopOnSigterm(server: Server, agentTools: { stop(): Promise<void> }, db: Knex): void {
  const stop = async () => {
    server.close();
    await agentTools.stop();
    await db.destroy();
  };
  process.once('SIGTERM', () => {
    stop().catch((e: unknown) => console.error('stop failed:', e));
  });
}
