import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { RateLimiterMySQL, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { dialectOf } from '../../module/db/connection';
import { LOGIN_LIMITS_TABLE } from '../db/005-login-limits';

/** Failed sign-ins allowed per account, and per address, before each is locked for a while. */
export const LOGIN_LIMITS = {
  account: { points: 10, duration: 15 * 60, blockDuration: 15 * 60 },
  address: { points: 50, duration: 60 * 60, blockDuration: 60 * 60 },
} as const;

/** How often a node sweeps rows whose window ended more than an hour ago (the library's rule). */
const SWEEP_MS = 10 * 60_000;

export type LoginVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** What mysql2 answers `select database()` with through knex.raw: [rows, fields]. */
const currentDatabase = z.tuple([z.tuple([z.object({ name: z.string() })], z.unknown())], z.unknown());

/**
 * Throttles sign-ins per account and per address, in the database so that every app node counts
 * the same attempts. rate-limiter-flexible's own stores do the counting: RateLimiterSQLite and
 * RateLimiterMySQL both take the knex instance (`storeType: 'knex'`) and borrow its pool's
 * connections, so they share the app's database and, on SQLite, its file; the table is the
 * host's migration's (`tableCreated: true`), which gives both the columns they expect.
 *
 * Every attempt takes its points first, before the password is checked, so that attempts sent
 * at once cannot all pass a check made before any of them failed; a success gives the account's
 * points back and the address's one.
 */
export class LoginThrottle {
  private nextSweep = 0;

  private constructor(
    private readonly db: Knex,
    private readonly account: RateLimiterAbstract,
    private readonly address: RateLimiterAbstract,
  ) {}

  static async create(db: Knex): Promise<LoginThrottle> {
    const common = { storeClient: db, storeType: 'knex', tableName: LOGIN_LIMITS_TABLE, tableCreated: true };
    if (dialectOf(db) === 'mysql') {
      // The MySQL store names its table with the database (`db`.`table`): the connection's own.
      const dbName = currentDatabase.parse(await db.raw('select database() as name'))[0][0].name;
      const mysql = (keyPrefix: string, limits: (typeof LOGIN_LIMITS)[keyof typeof LOGIN_LIMITS]) => new RateLimiterMySQL({ ...common, dbName, clearExpiredByTimeout: false, keyPrefix, ...limits });
      return new LoginThrottle(db, mysql('account', LOGIN_LIMITS.account), mysql('address', LOGIN_LIMITS.address));
    }
    const sqlite = (keyPrefix: string, limits: (typeof LOGIN_LIMITS)[keyof typeof LOGIN_LIMITS]) => new RateLimiterSQLite({ ...common, keyPrefix, ...limits });
    return new LoginThrottle(db, sqlite('account', LOGIN_LIMITS.account), sqlite('address', LOGIN_LIMITS.address));
  }

  /**
   * Takes one attempt's point from the account, then from the address; refused once either is
   * spent. The account goes first so that a burst at one account (which its own limit stops)
   * does not use up the address's points; an attempt the address refuses gives the account its
   * point back, since its password is never checked.
   */
  async attempt(area: 'client' | 'admin', username: string, ip: string): Promise<LoginVerdict> {
    await this.sweep();
    const key = accountKey(area, username);
    const byAccount = await refusal(this.account.consume(key));
    if (byAccount) return byAccount;
    const byAddress = await refusal(this.address.consume(ip));
    if (byAddress) await this.account.reward(key);
    return byAddress ?? { allowed: true };
  }

  /** A right password: the account starts again from nothing, and the address gets its point back. */
  async succeeded(area: 'client' | 'admin', username: string, ip: string): Promise<void> {
    await this.account.delete(accountKey(area, username));
    await this.address.reward(ip);
  }

  private async sweep(): Promise<void> {
    // The limiter's rows carry wall-clock expiry times (it reads Date.now()), so this does too.
    const now = Date.now();
    if (now < this.nextSweep) return;
    this.nextSweep = now + SWEEP_MS;
    await this.db(LOGIN_LIMITS_TABLE)
      .where('expire', '<', now - 3600_000)
      .delete();
  }
}

/** A refusal, with how long to wait, when the limiter refuses; anything else it throws is the store failing. */
async function refusal(taken: Promise<RateLimiterRes>): Promise<LoginVerdict | null> {
  try {
    await taken;
    return null;
  } catch (e) {
    if (!(e instanceof RateLimiterRes)) throw e;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
  }
}

/**
 * A sign-in name as the throttle counts it and as a found row must match it: trimmed, Unicode
 * NFKC and lower-cased. MariaDB's collation finds `Admin` for `admin` (and `alíce` for `alice`),
 * so every spelling that can reach one row must share one bucket; a row whose stored name differs
 * from the typed one after this is treated as unknown (see passport.ts).
 */
export function loginName(username: string): string {
  return username.normalize('NFKC').trim().toLowerCase();
}

/** The account's key: a hash, so that a name of any length fits the key column and no e-mail address is written in the table. */
function accountKey(area: 'client' | 'admin', username: string): string {
  return crypto
    .createHash('sha256')
    .update(`${area}\n${loginName(username)}`)
    .digest('hex');
}
