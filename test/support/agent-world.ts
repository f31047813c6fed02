import request from 'supertest';
import { T } from '../../module/db/tables';
import type { ClientPermission } from '../../module/contract/permissions';
import { type Fixture, PASSWORD, csrfFrom, session, signUp, type Session } from './host-fixture';

const AREA = '/index.php?m=agenttools';

/** Who is asking, in the authorization tables of the client-area features. */
export type Actor = 'anonymous' | 'client' | 'agent as client' | 'agent as client without permission' | 'another agent' | 'admin';
export const ACTORS: Actor[] = ['anonymous', 'client', 'agent as client', 'agent as client without permission', 'another agent', 'admin'];

export interface World {
  /** Ann manages the client (Visitor Person); Ben is an agent with no clients. */
  ann: number;
  ben: number;
  clientId: number;
  sessions: Record<Actor, Session>;
  /** Ann on her own account (not signed in as anyone). */
  annOwn: Session;
  /** Another client, with nothing to do with the first. */
  other: Session;
  otherId: number;
  /** GET or POST (with a fresh CSRF token from a page the actor can open) as one actor. */
  call(actor: Actor, method: 'GET' | 'POST', path: string, form?: Record<string, string | number>): Promise<request.Response>;
}

async function agent(f: Fixture, email: string, first: string): Promise<number> {
  const s = await session(f.host);
  await s.post('/register', '/register', { firstname: first, lastname: 'Agent', email, password: PASSWORD, currency: 'USD' });
  const id = Number((await f.host.db('host_clients').where({ email }).first()).id);
  const program = await f.host.agentTools.services.programs.bySlug('default');
  return (await f.host.agentTools.services.agents.activateForClient(id, program!.id)).id;
}

export async function signInAs(f: Fixture, clientId: number, email: string): Promise<Session> {
  const s = await session(f.host, { email });
  const res = await s.post(AREA, `${AREA}&action=signInAsClient`, { client_id: clientId });
  if (res.status !== 303) throw new Error(`sign in as client failed: ${res.status}`);
  return s;
}

/**
 * Ann the agent, whose client granted her the default permissions; Ann signed in as that client,
 * once with the grant as it is and once after the client took `withheld` out of it; Ben, another
 * agent; a plain other client; the admin; and a visitor with no account.
 */
export async function agentWorld(f: Fixture, withheld: ClientPermission): Promise<World> {
  const ann = await agent(f, 'ann@example.com', 'Ann');
  const ben = await agent(f, 'ben@example.com', 'Ben');
  const client = await session(f.host);
  const clientId = await signUp(f.host, client, 'wanjiru@example.com');
  await client.post(`${AREA}&t=serviceManager&affid=${ann}`, `${AREA}&action=serviceManagerConfirm`, { affid: ann });
  const asAgent = await signInAs(f, clientId, 'ann@example.com');
  const grant = await f.host.agentTools.services.serviceManagers.forClient(clientId);
  const granted = JSON.stringify(grant!.permissions);
  await f.host
    .db(T.serviceManagers)
    .where({ client_id: clientId })
    .update({ permissions: JSON.stringify(grant!.permissions.filter((p) => p !== withheld)) });
  const asAgentWithout = await signInAs(f, clientId, 'ann@example.com');
  await f.host.db(T.serviceManagers).where({ client_id: clientId }).update({ permissions: granted });
  const other = await session(f.host);
  const otherId = await signUp(f.host, other, 'other@example.com');
  const sessions: Record<Actor, Session> = {
    anonymous: await session(f.host),
    client,
    'agent as client': asAgent,
    'agent as client without permission': asAgentWithout,
    'another agent': await session(f.host, { email: 'ben@example.com' }),
    admin: await session(f.host, { admin: true }),
  };
  return {
    ann,
    ben,
    clientId,
    sessions,
    annOwn: await session(f.host, { email: 'ann@example.com' }),
    other,
    otherId,
    async call(actor, method, path, form = {}) {
      const s = sessions[actor];
      if (method === 'GET') return s.agent.get(path);
      const token = csrfFrom((await s.agent.get(actor === 'anonymous' ? '/register' : '/')).text);
      return s.agent
        .post(path)
        .type('form')
        .send({ ...form, _csrf: token });
    },
  };
}
