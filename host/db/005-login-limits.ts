import type { Knex } from 'knex';

export const LOGIN_LIMITS_TABLE = 'host_login_limits';

// Failed sign-ins per account and per address (see auth/login-throttle.ts). The columns are the
// ones rate-limiter-flexible's SQLite and MySQL stores read and write, in the order their
// INSERT lists them: the key, the points taken in the window, and when the window ends (epoch ms).
export async function upLoginLimits(db: Knex): Promise<void> {
  await db.schema.createTable(LOGIN_LIMITS_TABLE, (t) => {
    t.string('key', 255).primary();
    t.integer('points').notNullable().defaultTo(0);
    t.bigInteger('expire').nullable().index();
  });
}
