import { assertReachable, connect, DatabaseUrlError, redactUrl } from '../module/db/connection';
import { MIGRATIONS_TABLE } from '../module/db/tables';
import { consoleLogger } from '../module/core/logger';
import { createHost } from '../host/app';

export const PAYOUT_KEYS_USAGE = `  agent-tools payout-keys reseal       after a key rotation (docs/payouts.md): seal every payout
                                       method again with AGENTTOOLS_PAYOUT_KEY, reading the old
                                       keys from AGENTTOOLS_PAYOUT_OLD_KEYS; safe to run again
`;

/** `agent-tools payout-keys reseal` on the platform at DATABASE_URL, with this process's keys. */
export async function payoutKeysCommand(argv: string[]): Promise<number> {
  if (argv[0] !== 'reseal') {
    process.stdout.write(PAYOUT_KEYS_USAGE);
    return 2;
  }
  const url = process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite';
  const db = connect(url, { mustExist: true });
  try {
    await assertReachable(db, url);
    if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) throw new DatabaseUrlError(`${redactUrl(url)} holds no Agent Tools tables: nothing to reseal`);
    const host = await createHost({ db, logger: consoleLogger });
    try {
      const n = await host.agentTools.services.payoutMethods.resealAll();
      console.log(`ok: ${n} payout methods sealed again with the current key`);
      return 0;
    } finally {
      await host.stop();
    }
  } finally {
    await db.destroy();
  }
}
