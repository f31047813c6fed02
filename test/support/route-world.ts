import type request from 'supertest';
import { T } from '../../module/db/tables';
import { CLIENT_PERMISSIONS } from '../../module/contract/permissions';
import type { Route } from '../../module/http/module-router';
import { type Fixture, agentAccount, csrfFrom, session, signUp, type Session } from './host-fixture';
import { agentWorld, signInAs, type World } from './agent-world';
import { defined } from './defined';

/** Who asks, in the authorization matrix and the fuzz suite. */
export const ROLES = ['anonymous', 'client', 'another agent', 'owning agent', 'agent as client', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What the routes name: Ann owns the client-area objects (her client Wanjiru, her quote); Cy and
 * Dee (agents) and Eve, Fay and Gus (plain clients) are the admin's, so that what the admin
 * changes leaves Ann's world alone.
 */
export interface Objects {
  ann: number;
  ben: number;
  cy: number;
  dee: number;
  wanjiru: number;
  eve: number;
  fay: number;
  gus: number;
  program: number;
  product: number;
  quote: number;
  creative: number;
  registration: number;
  /** A commission of Ann's, on Wanjiru (the agent's Commissions pages). */
  commission: number;
}

export interface RouteWorld {
  w: World;
  o: Objects;
  /** A route's answer for one role: a GET, or a POST with the CSRF token of a page that role can open. */
  ask(role: Role, route: Pick<Route, 'method' | 'path'>, query: string, form: Record<string, unknown>): Promise<request.Response>;
  /** Puts back what an answer may have ended: Wanjiru's grant to Ann, Ann's two browsers, Ben without a manager. */
  restore(): Promise<void>;
}

/** The host pages say whether a browser is signed in as a client (the banner) or not. */
async function signedInAs(s: Session): Promise<boolean> {
  return (await s.agent.get('/clientarea')).text.includes('is signed in as');
}

/**
 * agentWorld, with Ann signed in as Wanjiru holding every permission a client can grant (so that
 * what the grant allows is reached, and nothing else), and the objects the routes name.
 */
export async function routeWorld(f: Fixture): Promise<RouteWorld> {
  const db = f.host.db;
  const services = f.host.agentTools.services;
  const grantAll = (clientId: number) =>
    db(T.serviceManagers)
      .where({ client_id: clientId })
      .update({ permissions: JSON.stringify(CLIENT_PERMISSIONS) });
  const w = await agentWorld(f, 'affiliates');
  await grantAll(w.clientId);
  w.sessions['agent as client'] = await signInAs(f, w.clientId, 'ann@example.com');
  let owner = w.annOwn;
  const tokens = new WeakMap<Session, string>();

  const cy = await agentAccount(f.host, 'cy@example.com');
  const dee = await agentAccount(f.host, 'dee@example.com');
  const plain = async (email: string) => signUp(f.host, await session(f.host), email);
  const program = defined(await services.programs.bySlug('default'), 'the default program');
  const created = await owner.post('/index.php?m=agenttools&action=quotes', '/index.php?m=agenttools&action=createQuote', { client_id: w.clientId, product_0: f.productId });
  const quote = Number(defined(/[?&]id=(\d+)/.exec(String(created.headers.location)), `a quote made (${created.status})`)[1]);
  const [creative] = await db(T.creatives).insert({ kind: 'text', name: 'Link', alt: '', link_text: 'Our servers', created_by: 'admin', created_at: 0 });
  const [registration] = await db(T.domains).insert({ domain: 'cy-widgets.example', agent_id: cy.agentId, customer: '', created_at: 0 });
  const commission = await services.manualCommissions.addManual(w.ann, '10.00', 'the matrix', 'matrix-commission', w.clientId);
  const o: Objects = {
    ...{ ann: w.ann, ben: w.ben, cy: cy.agentId, dee: dee.agentId, wanjiru: w.clientId },
    ...{ eve: await plain('eve@example.com'), fay: await plain('fay@example.com'), gus: await plain('gus@example.com') },
    ...{ program: program.id, product: f.productId, quote, creative: Number(creative), registration: Number(registration), commission: commission.id },
  };

  return {
    w,
    o,
    async ask(role, route, query, form) {
      const path = `${route.path}${query ? `&${query}` : ''}`;
      const s = role === 'owning agent' ? owner : w.sessions[role];
      if (route.method === 'GET') return s.agent.get(path);
      const post = async (fresh: boolean) => {
        // As agentWorld's call does: the token of a page this role can open, kept while the session is.
        let token = fresh ? undefined : tokens.get(s);
        if (!token) tokens.set(s, (token = csrfFrom((await s.agent.get(role === 'anonymous' ? '/register' : '/')).text)));
        return s.agent
          .post(path)
          .type('form')
          .send({ ...form, _csrf: token });
      };
      const res = await post(false);
      // A session made anew (a sign-in as the client, and back) has a new token: ask once more with it.
      return res.status === 403 && res.text.includes('The form has expired') ? post(true) : res;
    },
    async restore() {
      const sm = services.serviceManagers;
      // The fuzz suite's admin may block Ann or Ben: they come back too.
      for (const id of [o.ann, o.ben]) if ((await services.agents.get(id))?.status === 'blocked') await services.agents.reactivate(id);
      if (!(await sm.manages(o.ann, o.wanjiru))) {
        await sm.grant(o.wanjiru, o.ann, 'test: the world restores the grant', true, null);
        await grantAll(o.wanjiru);
      }
      const ben = defined(await services.agents.get(o.ben), 'Ben');
      if (await sm.forClient(ben.clientId)) await sm.revoke(ben.clientId, 'test', 'the world restores Ben without a service manager');
      if (!(await signedInAs(w.sessions['agent as client']))) w.sessions['agent as client'] = await signInAs(f, o.wanjiru, 'ann@example.com');
      if (await signedInAs(owner)) owner = await session(f.host, { email: 'ann@example.com' });
    },
  };
}
