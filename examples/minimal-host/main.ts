import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import knex, { type Knex } from 'knex';
import { HookBus } from './hook-bus';
import { installAgentTools, stopOnSigterm } from './install';
import { MemoryBilling } from './memory-billing';
import { hostPages } from './pages';

export interface MinimalHostOptions {
  db: Knex;
  siteUrl: string;
  admin: { username: string; password: string };
}

export interface MinimalHost {
  app: Express;
  billing: MemoryBilling;
  hooks: HookBus;
  agentTools: Awaited<ReturnType<typeof installAgentTools>>;
}

/** The smallest host that installs Agent Tools correctly: its billing in memory, the module's data in `db`. */
export async function createMinimalHost({ db, siteUrl, admin }: MinimalHostOptions): Promise<MinimalHost> {
  const billing = new MemoryBilling(siteUrl, admin);
  const hooks = new HookBus();
  const app = express();
  app.disable('x-powered-by');
  const agentTools = await installAgentTools(app, { db, host: billing, addHook: hooks.add, pages: hostPages(billing, hooks), sessionSecret: crypto.randomBytes(32).toString('base64url') });
  app.use((req: Request, res: Response) =>
    res
      .status(404)
      .type('html')
      .send(billing.page(req, 'Not found', '<p class="alert">There is no such page.</p>')),
  );
  app.use((err: Error & { code?: string }, req: Request, res: Response, _next: NextFunction) => {
    if (err.code === 'EBADCSRFTOKEN')
      return res
        .status(403)
        .type('html')
        .send(billing.page(req, 'Form expired', '<p class="alert">The form has expired. Go back, reload the page and try again.</p>'));
    console.error(err);
    res.status(500).type('text').send('Internal error');
  });
  return { app, billing, hooks, agentTools };
}

/**
 * npx tsx examples/minimal-host/main.ts. The billing lives in memory, so the module's SQLite file
 * is a new one on each start too: the two never disagree about which clients exist.
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3001);
  const siteUrl = `http://localhost:${port}`;
  const file = path.join(os.tmpdir(), `agenttools-minimal-host-${process.pid}.sqlite`);
  process.once('exit', () => fs.rmSync(file, { force: true }));
  const db = knex({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  const password = process.env.ADMIN_PASSWORD ?? crypto.randomBytes(9).toString('base64url');
  const host = await createMinimalHost({ db, siteUrl, admin: { username: 'admin', password } });
  const server = host.app.listen(port, () => {
    console.log(`Minimal host with Agent Tools: ${siteUrl}  (sign up at /register; admin at /admin/login: admin / ${password})`);
  });
  stopOnSigterm(server, host.agentTools, db);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
