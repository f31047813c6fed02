import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { adminRow, clientRow, oneRow, userRow } from '../db/rows';
import { dummyHash, verifyPassword } from './passwords';
import { loginName } from './login-throttle';

export type HostPassport = InstanceType<typeof Passport>;

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- passport declares req.user in the Express namespace; merging into it is the only way to type it
  namespace Express {
    /** passport's req.user: the one kind of user this platform's sessions hold. */
    interface User {
      kind: 'client' | 'admin';
      id: number;
      clientId: number;
      email: string;
      name: string;
      /** An admin's own language for the admin area (host_admins.language); clients: absent. */
      language?: string | null;
    }
  }
}

export type SessionUser = Express.User;

/** The signed-in user of a route that requireClient or requireAdmin guards. */
export function signedIn(req: Request): SessionUser {
  if (!req.user) throw new Error('no signed-in user: this route must run after requireClient or requireAdmin');
  return req.user;
}

/** What a strategy decided about the credentials of a request. */
export type AuthenticateCallback = (err: unknown, user: SessionUser | false, info?: { message?: string }) => void;

/** passport.authenticate with a callback of our own; passport types what it returns as `any`. */
export function authenticateWith(passport: HostPassport, strategy: 'client' | 'admin', callback: AuthenticateCallback): RequestHandler {
  return passport.authenticate(strategy, callback) as RequestHandler;
}

/** A user with the name and status of their client account, as a sign-in reads them. */
const clientUserRow = userRow.extend(clientRow.pick({ firstname: true, lastname: true, status: true }).shape);

const clientUserColumns = ['u.*', 'c.firstname', 'c.lastname', 'c.status'];

function clientSessionUser(u: { id: number; client_id: number; email: string; firstname: string; lastname: string }): SessionUser {
  return { kind: 'client', id: u.id, clientId: u.client_id, email: u.email, name: `${u.firstname} ${u.lastname}` };
}

function adminSessionUser(a: { id: number; username: string; language: string | null }): SessionUser {
  return { kind: 'admin', id: a.id, clientId: 0, email: a.username, name: a.username, language: a.language };
}

/** A client user as the session holds it, by user id or (first user) by client id. */
export async function loadClientUser(db: Knex, by: { userId?: number; clientId?: number }): Promise<SessionUser | null> {
  let q = db('host_users as u').join('host_clients as c', 'c.id', 'u.client_id').orderBy('u.id');
  q = by.userId !== undefined ? q.where('u.id', by.userId) : q.where('u.client_id', by.clientId);
  const u = oneRow(clientUserRow, await q.first(clientUserColumns));
  if (!u || u.status === 'Closed') return null;
  return clientSessionUser(u);
}

/** Checks a password against a stored hash; a test passes its own to count the checks. */
export type VerifyPassword = (password: string, stored: string) => Promise<boolean>;

/**
 * Two local strategies on one passport: clients by e-mail, admins by username. An unknown name
 * is checked against a dummy hash, so that it takes as long as a known one.
 */
export function createPassport(db: Knex, verify: VerifyPassword = verifyPassword): HostPassport {
  const passport = new Passport();

  passport.use(
    'client',
    new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
      (async () => {
        const found = oneRow(clientUserRow, await db('host_users as u').join('host_clients as c', 'c.id', 'u.client_id').where('u.email', loginName(email)).first(clientUserColumns));
        // The collation may find a row under another spelling (accents): only the throttle's own name counts.
        const u = found && loginName(found.email) === loginName(email) ? found : undefined;
        if (!(await verify(password, u?.password_hash ?? (await dummyHash()))) || !u) return done(null, false, { message: 'Wrong e-mail or password' });
        if (u.status === 'Closed') return done(null, false, { message: 'This account is closed' });
        return done(null, clientSessionUser(u));
      })().catch(done);
    }),
  );

  passport.use(
    'admin',
    new LocalStrategy((username, password, done) => {
      (async () => {
        const found = oneRow(adminRow, await db('host_admins').where({ username: username.trim() }).first());
        const a = found && loginName(found.username) === loginName(username) ? found : undefined;
        if (!(await verify(password, a?.password_hash ?? (await dummyHash()))) || !a) return done(null, false, { message: 'Wrong username or password' });
        return done(null, adminSessionUser(a));
      })().catch(done);
    }),
  );

  passport.serializeUser((user, done) => {
    done(null, { kind: user.kind, id: user.id });
  });

  // Re-read on every request, so that a closed account loses its session at once.
  passport.deserializeUser((ref: { kind: string; id: number }, done) => {
    (async () => {
      if (ref.kind === 'admin') {
        const a = oneRow(adminRow, await db('host_admins').where({ id: ref.id }).first());
        return done(null, a ? adminSessionUser(a) : false);
      }
      return done(null, (await loadClientUser(db, { userId: ref.id })) ?? false);
    })().catch(done);
  });

  return passport;
}
