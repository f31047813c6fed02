import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Knex } from 'knex';
import { createHost, type Host } from '../host/app';
import type { Logger } from '../module/core/logger';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';

/** A server under test: the referral URL to load, and how many /aff.php requests it received. */
export interface Target {
  url: string;
  received(): number;
  close(): Promise<void>;
}

/** Errors only: info and warn lines would flood the terminal and cost time under load. */
const quietLogger: Logger = {
  info: () => {},
  warn: () => {},
  error: (message, data) => console.error(`[agenttools error] ${message}`, data ?? ''),
};

/**
 * Both servers get the same thin http wrapper, which counts the /aff.php requests that reached
 * the app: the exact number of clicks sent, which autocannon can only bound (see run.ts).
 */
async function listen(handler: http.RequestListener): Promise<Omit<Target, 'url'> & { port: number }> {
  let received = 0;
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/aff.php')) received++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // autocannon's sockets are gone by now, but keep-alive ones from the warm-up may idle.
        server.closeIdleConnections();
      }),
  };
}

/** The reference host with Agent Tools, one agent, listening on an ephemeral port. */
export async function startModule(db: Knex): Promise<Target & { host: Host; agentId: number }> {
  const host = await createHost({ db, logger: quietLogger, module: { clickFlushMs: 1000 } });
  const clientId = await host.billing.createClient({
    firstname: 'Bench',
    lastname: 'Agent',
    email: 'bench-agent@example.com',
    password: 'bench-pass-2026',
    currency: 'USD',
  });
  const program = await host.agentTools.core.programs.bySlug('default');
  if (!program) throw new Error('the module has no default program after activation');
  const agent = await host.agentTools.core.agents.activateForClient(clientId, program.id);
  const server = await listen(host.app);
  return { ...server, host, agentId: agent.id, url: `http://127.0.0.1:${server.port}/aff.php?aff=${agent.id}` };
}

/**
 * What a redirect that sets a cookie costs in bare express 5: the floor the module's link is
 * measured against. The value has the shape and length of a signed referral cookie
 * (`agentId.clickUid.clickedAt.signature`).
 */
export async function startBaseline(): Promise<Target> {
  const value = `1.${'A'.repeat(16)}.1767225600000.${'S'.repeat(43)}`;
  const app = express();
  app.get('/aff.php', (_req, res) => {
    res.cookie(REFERRAL_COOKIE, value, { maxAge: 90 * 86_400_000, httpOnly: true, sameSite: 'lax' });
    res.redirect(302, '/');
  });
  const server = await listen(app);
  return { ...server, url: `http://127.0.0.1:${server.port}/aff.php?aff=1` };
}
