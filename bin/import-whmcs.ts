import type { Knex } from 'knex';
import { SingleBar } from 'cli-progress';
import { assertReachable, connect, DatabaseUrlError, redactUrl } from '../module/db/connection';
import { MIGRATIONS_TABLE } from '../module/db/tables';
import { consoleLogger, type Logger } from '../module/core/logger';
import { RuleError } from '../module/core/errors';
import { WhmcsSourceError } from '../module/whmcs-import/whmcs-tables';
import { createHost } from '../host/app';

export const IMPORT_USAGE = `  agent-tools import whmcs --from mysql://USER:PASS@HOST/WHMCSDB --program SLUG [--program SLUG]
                   [--dry-run] [--source NAME]
                                       bring WHMCS's affiliates across as agents of the program in
                                       their currency (one --program per currency): referred accounts,
                                       pending commissions, balances and withdrawals; --dry-run first;
                                       a second run changes nothing
`;

interface ImportArgs {
  from: string;
  programs: string[];
  dryRun: boolean;
  source: string | undefined;
}

/** The arguments after `import`, or null when they are not a complete command. */
export function importArgs(argv: string[]): ImportArgs | null {
  const [what, ...rest] = argv;
  if (what !== 'whmcs') return null;
  const out: ImportArgs = { from: '', programs: [], dryRun: false, source: undefined };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--dry-run') out.dryRun = true;
    else if (flag === '--from' || flag === '--program' || flag === '--source') {
      const value = rest[++i];
      if (!value || value.startsWith('--')) return null;
      if (flag === '--from') out.from = value;
      else if (flag === '--program') out.programs.push(value);
      else out.source = value;
    } else return null;
  }
  return out.from && out.programs.length ? out : null;
}

/** Only what went wrong reaches the terminal: the report is the command's output. */
const quiet: Logger = { info: () => undefined, warn: (m, d) => consoleLogger.warn(m, d), error: (m, d) => consoleLogger.error(m, d) };

/**
 * `agent-tools import whmcs` into the reference platform at DATABASE_URL, whose clients are the
 * ones the affiliates' client ids name. Another host runs the same through its own HostApi
 * (agentTools.services.whmcsImport.run).
 */
export async function importCommand(argv: string[]): Promise<number> {
  const args = importArgs(argv);
  if (!args) {
    process.stdout.write(IMPORT_USAGE);
    return 2;
  }
  if (!/^(mysql|mariadb):\/\//.test(args.from)) throw new DatabaseUrlError(`--from ${redactUrl(args.from)}: WHMCS runs on MySQL or MariaDB; give mysql://user:password@host:3306/whmcs`);
  const url = process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite';
  const db = connect(url, { mustExist: true });
  const source = connect(args.from);
  try {
    await assertReachable(source, args.from);
    await mustHoldThePlatform(db, url);
    const host = await createHost({ db, logger: quiet });
    try {
      const service = host.agentTools.services.whmcsImport;
      // A bar only for a person watching: a log or a pipe gets the report alone.
      const bar = process.stdout.isTTY ? new SingleBar({ format: 'affiliates [{bar}] {value}/{total}', hideCursor: true }) : null;
      const report = await service
        .run(source, {
          source: args.source,
          programs: args.programs,
          dryRun: args.dryRun,
          onProgress: (done, total) => {
            if (done === 1) bar?.start(total, 0);
            bar?.update(done);
          },
        })
        .finally(() => bar?.stop());
      console.log(`WHMCS import from ${redactUrl(args.from)} (source "${report.source}")${report.dryRun ? ', dry run: nothing written' : ''}`);
      console.log(`${report.affiliatesRead} affiliates read`);
      for (const p of report.problems) console.log(`  skipped  ${p}`);
      for (const n of report.notes) console.log(`  note     ${n}`);
      for (const line of report.lines(report.dryRun ? undefined : await service.inModule(report.source))) console.log(line);
      return 0;
    } finally {
      await host.stop();
    }
  } catch (e) {
    // What the operator typed or pointed at is theirs to fix: its message is enough.
    if (e instanceof RuleError || e instanceof WhmcsSourceError) {
      console.error(`agent-tools: ${e.message}`);
      return 1;
    }
    throw e;
  } finally {
    await source.destroy();
    await db.destroy();
  }
}

/** Refuses a target that is not the platform's database: a mistyped URL must not become a new, empty one. */
async function mustHoldThePlatform(db: Knex, url: string): Promise<void> {
  await assertReachable(db, url);
  if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) throw new DatabaseUrlError(`${redactUrl(url)} holds no Agent Tools tables: load the programs there first`);
  if (!(await db.schema.hasTable('host_clients'))) throw new DatabaseUrlError(`${redactUrl(url)} holds no host_clients: not the platform's database`);
}
