import type { Knex } from 'knex';
import { Passport } from 'passport';

export type HostPassport = InstanceType<typeof Passport>;
import { Strategy as LocalStrategy } from 'passport-local';
import { verifyPassword } from './passwords';

export interface SessionUser {
  kind: 'client' | 'admin';
  id: number;
  clientId: number;
  email: string;
  name: string;
}

/** A client user as the session holds it, by user id or (first user) by client id. */
export async function loadClientUser(db: Knex, by: { userId?: number; clientId?: number }): Promise<SessionUser | null> {
  let q = db('host_users as u').join('host_clients as c', 'c.id', 'u.client_id').orderBy('u.id');
  q = by.userId !== undefined ? q.where('u.id', by.userId) : q.where('u.client_id', by.clientId);
  const u = await q.first('u.*', 'c.firstname', 'c.lastname', 'c.status');
  if (!u || u.status === 'Closed') return null;
  return { kind: 'client', id: Number(u.id), clientId: Number(u.client_id), email: u.email, name: `${u.firstname} ${u.lastname}` };
}

/** Two local strategies on one passport: clients by e-mail, admins by username. */
export function createPassport(db: Knex): HostPassport {
  const passport = new Passport();

  passport.use(
    'client',
    new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
      (async () => {
        const u = await db('host_users as u').join('host_clients as c', 'c.id', 'u.client_id').where('u.email', email.trim().toLowerCase()).first('u.*', 'c.firstname', 'c.lastname', 'c.status');
        if (!u || !(await verifyPassword(password, u.password_hash))) return done(null, false, { message: 'Wrong e-mail or password' });
        if (u.status === 'Closed') return done(null, false, { message: 'This account is closed' });
        return done(null, { kind: 'client', id: Number(u.id), clientId: Number(u.client_id), email: u.email, name: `${u.firstname} ${u.lastname}` } satisfies SessionUser);
      })().catch(done);
    }),
  );

  passport.use(
    'admin',
    new LocalStrategy((username, password, done) => {
      (async () => {
        const a = await db('host_admins').where({ username }).first();
        if (!a || !(await verifyPassword(password, a.password_hash))) return done(null, false, { message: 'Wrong username or password' });
        return done(null, { kind: 'admin', id: Number(a.id), clientId: 0, email: a.username, name: a.username } satisfies SessionUser);
      })().catch(done);
    }),
  );

  passport.serializeUser((user, done) => {
    const u = user as SessionUser;
    done(null, { kind: u.kind, id: u.id });
  });

  // Re-read on every request, so that a closed account loses its session at once.
  passport.deserializeUser((ref: { kind: string; id: number }, done) => {
    (async () => {
      if (ref.kind === 'admin') {
        const a = await db('host_admins').where({ id: ref.id }).first();
        return done(null, a ? ({ kind: 'admin', id: Number(a.id), clientId: 0, email: a.username, name: a.username } satisfies SessionUser) : false);
      }
      return done(null, (await loadClientUser(db, { userId: ref.id })) ?? false);
    })().catch(done);
  });

  return passport;
}
