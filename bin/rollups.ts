import { assertReachable, connect, DatabaseUrlError, redactUrl } from '../module/db/connection';
import { MIGRATIONS_TABLE, T } from '../module/db/tables';
import { consoleLogger } from '../module/core/logger';
import { createHost } from '../host/app';

export const ROLLUPS_USAGE = `  agent-tools rollups rebuild          recompute the daily roll-ups of the Overview and Reports from
                                       the clicks, referrals and ledger (run with the site stopped:
                                       clicks written meanwhile would be counted twice)
`;

/**
 * `agent-tools rollups rebuild` against the reference platform at DATABASE_URL: the end users'
 * countries are read through its HostApi. Another host runs the same through its own
 * (agentTools.services.rollups.rebuild()).
 */
export async function rollupsCommand(argv: string[]): Promise<number> {
  if (argv[0] !== 'rebuild') {
    process.stdout.write(ROLLUPS_USAGE);
    return 2;
  }
  const url = process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite';
  const db = connect(url, { mustExist: true });
  try {
    await assertReachable(db, url);
    if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) throw new DatabaseUrlError(`${redactUrl(url)} holds no Agent Tools tables: nothing to rebuild`);
    const host = await createHost({ db, logger: consoleLogger });
    try {
      const started = Date.now();
      await host.agentTools.services.rollups.rebuild();
      const rows = await db(T.dailyRollups).count({ n: '*' }).first();
      console.log(`ok: ${String(rows?.n ?? 0)} roll-up rows rebuilt in ${Date.now() - started} ms`);
      return 0;
    } finally {
      await host.stop();
    }
  } finally {
    await db.destroy();
  }
}
