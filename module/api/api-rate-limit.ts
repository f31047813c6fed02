import type { Knex } from 'knex';
import { z } from 'zod';
import { RateLimiterMySQL, RateLimiterRes, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { dialectOf } from '../db/connection';
import { T } from '../db/tables';

/** Requests a key may make per window: generous for an integration, a wall for a runaway loop. */
export interface ApiLimits {
  points: number;
  durationSeconds: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = { points: 600, durationSeconds: 60 };

export type RateVerdict = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

/** What mysql2 answers `select database()` with through knex.raw: [rows, fields]. */
const currentDatabase = z.tuple([z.tuple([z.object({ name: z.string() })], z.unknown())], z.unknown());

/**
 * Per-key rate limits, counted in the database so that every app node counts the same requests:
 * rate-limiter-flexible's SQLite and MySQL stores over the app's knex pool, as the host's login
 * throttle does (host/auth/login-throttle.ts), on the table of migration 021. Its rows are one
 * per key (the store overwrites a window that ended), so unlike the login's they need no sweep.
 */
export class ApiRateLimit {
  private limiter: RateLimiterAbstract | null = null;

  constructor(
    private readonly db: Knex,
    private readonly limits: ApiLimits = DEFAULT_API_LIMITS,
  ) {}

  async take(keyId: number): Promise<RateVerdict> {
    const limiter = this.limiter ?? (this.limiter = await this.build());
    try {
      const res = await limiter.consume(String(keyId));
      return { allowed: true, remaining: res.remainingPoints };
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(e.msBeforeNext / 1000)) };
    }
  }

  private async build(): Promise<RateLimiterAbstract> {
    const common = { storeClient: this.db, storeType: 'knex', tableName: T.apiRateLimits, tableCreated: true, keyPrefix: 'api', points: this.limits.points, duration: this.limits.durationSeconds };
    if (dialectOf(this.db) === 'mysql') {
      // The MySQL store names its table with the database (`db`.`table`): the connection's own.
      const dbName = currentDatabase.parse(await this.db.raw('select database() as name'))[0][0].name;
      return new RateLimiterMySQL({ ...common, dbName, clearExpiredByTimeout: false });
    }
    return new RateLimiterSQLite(common);
  }
}
