#!/usr/bin/env -S npx tsx
import fs from 'node:fs';
import { assertReachable, connect, DatabaseUrlError, redactUrl } from '../module/db/connection';
import { errorMessage } from '../module/core/errors';
import { migrationSource } from '../module/db/migrations';
import { MIGRATIONS_TABLE } from '../module/db/tables';
import { systemClock } from '../module/core/clock';
import { DefinitionError, parseDefinition } from '../module/programs/definition';
import { Changes } from '../module/core/changes';
import { ProgramService, readProgramText } from '../module/programs/program-service';
import { verifyLedger } from '../module/ledger/verify';
import { reconcileCommand, RECONCILE_USAGE } from './reconcile';
import { importCommand, IMPORT_USAGE } from './import-whmcs';
import { payoutsCommand, PAYOUTS_USAGE } from './payouts';
import { payoutKeysCommand, PAYOUT_KEYS_USAGE } from './payout-keys';
import { rollupsCommand, ROLLUPS_USAGE } from './rollups';

const USAGE = `agent-tools: the module's command line (DATABASE_URL, default sqlite:data/agenttools.sqlite)

  agent-tools programs check FILE...   validate program files (JSON or YAML) without a database
  agent-tools programs load FILE...    load them: a new program, or a new terms version
  agent-tools programs list            every program with its current terms version
  agent-tools verify                   re-derive every balance from the ledger; exit 1 on a mismatch
${RECONCILE_USAGE}${IMPORT_USAGE}${PAYOUTS_USAGE}${PAYOUT_KEYS_USAGE}${ROLLUPS_USAGE}`;

/** Why a program file failed, indented under its name: each issue of a definition, or the error. */
function failure(e: unknown): string {
  if (e instanceof DefinitionError) return e.issues.map((i) => `        ${i}`).join('\n');
  return `        ${errorMessage(e)}`;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, sub, ...files] = argv;
  if (cmd === 'reconcile') return reconcileCommand(argv.slice(1));
  if (cmd === 'import') return importCommand(argv.slice(1));
  if (cmd === 'payouts') return payoutsCommand(argv.slice(1));
  if (cmd === 'payout-keys') return payoutKeysCommand(argv.slice(1));
  if (cmd === 'rollups') return rollupsCommand(argv.slice(1));
  if (cmd === 'programs' && sub === 'check') {
    let bad = 0;
    for (const f of files) {
      try {
        const def = parseDefinition(readProgramText(fs.readFileSync(f, 'utf8')));
        console.log(`ok    ${f}: ${def.slug} v${def.terms_version}, ${def.rules.length} rules`);
      } catch (e) {
        bad++;
        console.log(`FAIL  ${f}:\n${failure(e)}`);
      }
    }
    return bad ? 1 : 0;
  }
  if (cmd === 'verify' || (cmd === 'programs' && (sub === 'load' || sub === 'list'))) {
    const url = process.env.DATABASE_URL ?? 'sqlite:data/agenttools.sqlite';
    // verify reads a ledger that must already be there: it never makes a database to check.
    const db = connect(url, { mustExist: cmd === 'verify' });
    try {
      await assertReachable(db, url);
      if (cmd === 'verify') {
        if (!(await db.schema.hasTable(MIGRATIONS_TABLE))) throw new DatabaseUrlError(`${redactUrl(url)} holds no Agent Tools tables: nothing to verify`);
      } else {
        await db.migrate.latest({ migrationSource, tableName: MIGRATIONS_TABLE });
      }
      if (cmd === 'verify') {
        const report = await verifyLedger(db);
        for (const p of report.problems) console.log(`MISMATCH  ${p}`);
        console.log(`${report.ok ? 'ok' : 'FAILED'}: ${report.txns} transactions, ${report.accounts} balances re-derived, ${report.problems.length} problems`);
        return report.ok ? 0 : 1;
      }
      // Other nodes see a program loaded here when their caches expire (30 s).
      const programs = new ProgramService(db, systemClock, new Changes());
      if (sub === 'list') {
        for (const p of await programs.list()) console.log(`${p.slug.padEnd(16)} v${p.version}  ${p.currency}  ${p.name}`);
        return 0;
      }
      let bad = 0;
      for (const f of files) {
        try {
          const { program, outcome } = await programs.load(readProgramText(fs.readFileSync(f, 'utf8')));
          console.log(`${outcome.padEnd(12)} ${program.slug} v${program.version}  (${f})`);
        } catch (e) {
          bad++;
          console.log(`FAIL  ${f}:\n${failure(e)}`);
        }
      }
      return bad ? 1 : 0;
    } finally {
      await db.destroy();
    }
  }
  process.stdout.write(USAGE);
  return cmd ? 2 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    // A bad or unreachable DATABASE_URL is the operator's to fix: its message is enough.
    console.error(e instanceof DatabaseUrlError ? `agent-tools: ${e.message}` : e);
    process.exit(1);
  },
);
