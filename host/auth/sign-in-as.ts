import type { Request } from 'express';
import type { Knex } from 'knex';
import { type SessionUser, loadClientUser } from './passport';

/** What the session remembers while an agent is signed in as a client. */
export interface SignInAsState {
  signInId: string;
  agentUserId: number;
  agentName: string;
  clientName: string;
}

declare module 'express-session' {
  interface SessionData {
    signIn?: SignInAsState;
  }
}

/** Settles a promise from a passport callback, whose error is typed `any`. */
function settle(resolve: () => void, reject: (e: Error) => void) {
  return (e: unknown) => (e ? reject(e instanceof Error ? e : new Error('passport failed', { cause: e })) : resolve());
}

function login(req: Request, user: SessionUser): Promise<void> {
  // passport regenerates the session id on login: a sign-in as a client, and the way back, each
  // start a new session.
  return new Promise((resolve, reject) => req.login(user, settle(resolve, reject)));
}

export async function beginSignInAs(db: Knex, req: Request, clientId: number, signInId: string): Promise<void> {
  const agent = req.user;
  if (!agent || agent.kind !== 'client') throw new Error('only a signed-in agent can sign in as a client');
  const client = await loadClientUser(db, { clientId });
  if (!client) throw new Error(`client ${clientId} has no active user`);
  await login(req, client);
  req.session.signIn = { signInId, agentUserId: agent.id, agentName: agent.name, clientName: client.name };
}

export async function endSignInAs(db: Knex, req: Request): Promise<void> {
  const state = req.session.signIn;
  if (!state) return;
  const agent = await loadClientUser(db, { userId: state.agentUserId });
  if (agent) await login(req, agent);
  else await new Promise<void>((resolve, reject) => req.logout(settle(resolve, reject)));
  delete req.session.signIn;
}
