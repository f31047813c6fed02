import request from 'supertest';
import type { Knex } from 'knex';
import { createHost, type Host } from '../../host/app';
import { ManualClock } from '../../module/core/clock';
import { MemoryLogger } from '../../module/core/logger';
import { hashPassword } from '../../host/auth/passwords';

export const PASSWORD = 'correct horse battery';

export interface Fixture {
  host: Host;
  clock: ManualClock;
  logger: MemoryLogger;
  /** Ids of what the fixture made: an admin, a product group and products in USD. */
  productId: number;
  setupProductId: number;
}

/** The reference platform on a test database, with a clock the test moves; `smtpUrl` sends its e-mail there too. */
export async function startHost(db: Knex, startAt = '2026-01-05T10:00:00Z', options: { smtpUrl?: string } = {}): Promise<Fixture> {
  const clock = new ManualClock();
  clock.set(startAt);
  const logger = new MemoryLogger();
  const host = await createHost({ db, clock, logger, siteUrl: 'http://billing.test', smtpUrl: options.smtpUrl, module: { clickFlushMs: 60_000 } });
  await db('host_admins').insert({ username: 'admin', password_hash: await hashPassword(PASSWORD) });
  const [groupId] = await db('host_product_groups').insert({ name: 'Cloud Servers' });
  const [productId] = await db('host_products').insert({ group_id: groupId, name: 'Cloud Server M', currency: 'USD', price_minor: 12_345, setup_minor: 0 });
  const [setupProductId] = await db('host_products').insert({ group_id: groupId, name: 'Dedicated Server', currency: 'USD', price_minor: 40_000, setup_minor: 10_000 });
  return { host, clock, logger, productId: Number(productId), setupProductId: Number(setupProductId) };
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1] as string;
}

/** A browser-like session: keeps cookies, fetches a page's CSRF token before posting. */
export async function session(host: Host, login?: { admin?: boolean; email?: string }) {
  const agent = request.agent(host.app);
  if (login) {
    const path = login.admin ? '/admin/login' : '/login';
    const page = await agent.get(path);
    const fields = login.admin ? { username: 'admin' } : { email: login.email };
    const res = await agent
      .post(path)
      .type('form')
      .send({ ...fields, password: PASSWORD, _csrf: csrfFrom(page.text) });
    if (res.status !== 303) throw new Error(`login failed: ${res.status} ${res.text.slice(0, 300)}`);
  }
  return {
    agent,
    /** GETs `page` for a token, then POSTs the form to `action`. */
    async post(page: string, action: string, form: Record<string, string | number>) {
      const p = await agent.get(page);
      return agent
        .post(action)
        .type('form')
        .send({ ...form, _csrf: csrfFrom(p.text) });
    },
  };
}

export type Session = Awaited<ReturnType<typeof session>>;

/** Signs up through the form, in the given browser session (which may carry a referral cookie). */
export async function signUp(host: Host, s: Session, email: string): Promise<number> {
  const res = await s.post('/register', '/register', { firstname: 'Visitor', lastname: 'Person', email, password: PASSWORD, currency: 'USD' });
  if (res.status !== 303) throw new Error(`sign-up failed: ${res.status} ${res.text.slice(0, 500)}`);
  const row = await host.db('host_clients').where({ email }).first();
  return Number(row.id);
}

/** A client account signed up through the form and made an agent of the default program. */
export async function agentAccount(host: Host, email: string): Promise<{ clientId: number; agentId: number }> {
  const clientId = await signUp(host, await session(host), email);
  const program = await host.agentTools.services.programs.bySlug('default');
  return { clientId, agentId: (await host.agentTools.services.agents.activateForClient(clientId, program!.id)).id };
}
