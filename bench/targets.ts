import http from 'node:http';
import express from 'express';
import type { Knex } from 'knex';
import { configureApp, createHost, type Host } from '../host/app';
import type { Logger } from '../module/core/logger';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import { isBot } from '../module/tracking/bots';

/** The paths whose requests are counted: each one that reaches the app is a click sent. */
export type LinkPath = '/aff.php' | '/go/';

export interface Received {
  requests: number;
  /**
   * Of those, the ones whose user agent reads as a bot, which are not clicks: autocannon's ids
   * are a random stem per connection and a counter, and about one stem in 1,600 spells "bot".
   */
  bots: number;
}

/** A server under test, and what each link path of it received. */
export interface Server {
  received(path: LinkPath): Received;
  close(): Promise<void>;
}

/** Errors only: info and warn lines would flood the terminal and cost time under load. */
const quietLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: (message, data) => console.error(`[agenttools error] ${message}`, data ?? ''),
};

/**
 * Every server gets the same thin http wrapper, which counts the link requests that reached the
 * app: the exact number of clicks sent, which autocannon can only bound (see run.ts).
 */
/** The port a server listening on 127.0.0.1 was given. */
function tcpPort(server: http.Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the bench server listens on a TCP port, yet has no port');
  return address.port;
}

async function listen(handler: http.RequestListener): Promise<Server & { port: number }> {
  const received: Record<LinkPath, Received> = { '/aff.php': { requests: 0, bots: 0 }, '/go/': { requests: 0, bots: 0 } };
  const server = http.createServer((req, res) => {
    const path = req.url?.startsWith('/aff.php') ? '/aff.php' : req.url?.startsWith('/go/') ? '/go/' : null;
    if (path) {
      received[path].requests++;
      if (isBot(req.headers['user-agent'] ?? '')) received[path].bots++;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: tcpPort(server),
    received: (path) => ({ ...received[path] }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // autocannon's sockets are gone by now, but keep-alive ones from the warm-up may idle.
        server.closeIdleConnections();
      }),
  };
}

export interface ModuleTarget extends Server {
  host: Host;
  /** One agent per link, so that each path's stored clicks can be told apart. */
  aff: { url: string; agentId: number };
  go: { url: string; agentId: number };
}

/** The reference host with Agent Tools, an agent for /aff.php and one with an approved slug. */
export async function startModule(db: Knex): Promise<ModuleTarget> {
  const host = await createHost({ db, logger: quietLogger, module: { clickFlushMs: 1000 } });
  const core = host.agentTools.services;
  const program = await core.programs.bySlug('default');
  if (!program) throw new Error('the module has no default program after activation');
  const agent = async (name: string) => {
    const clientId = await host.billing.createClient({ firstname: 'Bench', lastname: name, email: `bench-${name}@example.com`, password: 'bench-pass-2026', currency: 'USD' });
    return (await core.agents.activateForClient(clientId, program.id)).id;
  };
  const affAgent = await agent('aff');
  const goAgent = await agent('go');
  const slug = 'bench-go';
  await core.slugs.request(goAgent, slug);
  await core.slugs.approve(goAgent);
  const server = await listen(host.app);
  const base = `http://127.0.0.1:${server.port}`;
  return { ...server, host, aff: { url: `${base}/aff.php?aff=${affAgent}`, agentId: affAgent }, go: { url: `${base}/go/${slug}`, agentId: goAgent } };
}

/**
 * What a redirect that sets a cookie costs in express 5, written the usual way (res.cookie,
 * res.redirect): the floor the module's links are measured against. The app has the reference
 * host's settings (which its links run under, ahead of every other middleware) and nothing else,
 * so that the two differ only in the handler. The value has the shape and length of a signed
 * referral cookie (`agentId.clickUid.clickedAt.signature`).
 */
export async function startBaseline(): Promise<Server & { url: string }> {
  const value = `1.${'A'.repeat(16)}.1767225600000.${'S'.repeat(43)}`;
  const app = express();
  configureApp(app);
  app.get('/aff.php', (_req, res) => {
    res.cookie(REFERRAL_COOKIE, value, { maxAge: 90 * 86_400_000, httpOnly: true, sameSite: 'lax' });
    res.redirect(302, '/');
  });
  const server = await listen(app);
  return { ...server, url: `http://127.0.0.1:${server.port}/aff.php?aff=1` };
}
