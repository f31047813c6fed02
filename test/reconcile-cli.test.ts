import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario } from './support/scenario';
import { MIGRATIONS_TABLE } from '../module/db/tables';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'bin/agent-tools.ts');

/** `agent-tools reconcile --since 2026-01-01` run as an operator would, in a folder of its own. */
function reconcile(databaseUrl: string, cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttools-reconcile-'))) {
  const run = spawnSync(TSX, [CLI, 'reconcile', '--since', '2026-01-01'], { cwd, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, out: run.stdout, err: run.stderr, files: fs.readdirSync(cwd) };
}

onEachDatabase('agent-tools reconcile on a database that is not the platform’s', ({ current }) => {
  it('an empty database (a mistyped name): exit 1, "holds no Agent Tools tables", and no table made in it', async () => {
    await current().db.raw('select 1'); // the SQLite file exists, empty
    const r = reconcile(current().url);
    expect([r.code, r.out]).to.deep.equal([1, '']);
    expect(r.err).to.contain('holds no Agent Tools tables: nothing to reconcile');
    expect(await current().db.schema.hasTable(MIGRATIONS_TABLE)).to.equal(false);
    expect(await current().db.schema.hasTable('host_invoices')).to.equal(false);
  });

  it('the module’s tables without the host’s: exit 1, "holds no host_invoices", and the host’s tables still not made', async () => {
    const s = await new Scenario(current().db, '2026-01-10T09:00:00Z').start();
    try {
      const r = reconcile(current().url);
      expect([r.code, r.out]).to.deep.equal([1, '']);
      expect(r.err).to.contain('holds no host_invoices');
      expect(await current().db.schema.hasTable('host_invoices')).to.equal(false);
    } finally {
      await s.stop();
    }
  });
});

describe('agent-tools reconcile on no database at all', () => {
  it('a SQLite file that is not there: exit 1, "no SQLite database", and no file made', () => {
    const r = reconcile('sqlite:missing/agenttools.sqlite');
    expect([r.code, r.files]).to.deep.equal([1, []]);
    expect(r.err).to.contain('agent-tools: no SQLite database at missing/agenttools.sqlite');
  });
});
