import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { defined } from './support/defined';
import { EXAMPLES } from './support/scenario';
import { createWhmcsFixture, PLATFORM_CLIENTS, type WhmcsFixture } from './support/whmcs-fixture';
import { createHost } from '../host/app';
import { MemoryLogger } from '../module/core/logger';
import { readProgramText } from '../module/programs/program-service';
import { T } from '../module/db/tables';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'bin/agent-tools.ts');

/** `agent-tools import …` run as an operator would, against the platform at `databaseUrl`. */
function agentTools(databaseUrl: string, args: string[]) {
  const run = spawnSync(TSX, [CLI, 'import', ...args], { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

/**
 * The command itself, as a child process, on the reference platform (the fixture's figures are
 * worked out in test/whmcs-import.test.ts): the dry run first, then the import, then again.
 */
onEachDatabase('agent-tools import whmcs, the command', ({ current }) => {
  let whmcs: WhmcsFixture | null = null;
  const from = () => defined(whmcs, 'the WHMCS fixture').url;
  const count = async (table: string) => Number((await current().db(table).count({ n: '*' }).first())?.n);

  before(async function () {
    this.timeout(120_000);
    whmcs = await createWhmcsFixture();
    if (!whmcs) {
      console.warn('\n  MariaDB not reachable: the WHMCS import command suites are skipped (the WHMCS fixture database lives on MariaDB).\n');
      this.skip();
    }
    // The platform the provider runs, with the clients the affiliates' ids name and two programs.
    const host = await createHost({ db: current().db, logger: new MemoryLogger() });
    await current()
      .db('host_clients')
      .insert(PLATFORM_CLIENTS.map((c) => ({ id: c.id, firstname: `Client${c.id}`, lastname: 'Test', email: `c${c.id}@example.com`, status: 'Active', currency: c.currency, created_at: 0 })));
    for (const file of ['cloudpockets.json', 'cloud-one.yaml']) await host.agentTools.services.programs.load(readProgramText(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')));
    await host.stop();
  });
  after(async () => {
    await whmcs?.drop();
  });

  it('--dry-run prints the totals per currency and the skipped affiliate, and writes nothing', async function () {
    this.timeout(180_000); // each run is a new process: tsx, the platform, both databases
    const r = agentTools(current().url, ['whmcs', '--from', from(), '--program', 'cloudpockets', '--program', 'cloud-one', '--dry-run']);
    expect([r.code, r.err]).to.deep.equal([0, '']);
    expect(r.out).to.contain(', dry run: nothing written');
    expect(r.out).to.contain('  affiliate 4 (client 104): skipped: client 104 is not in the billing platform');
    expect(r.out).to.contain('USD      to import           2         4           49.75           45.10          100.00');
    expect(r.out).to.contain('KES      to import           2         3         4550.50        15500.75        25000.00');
    expect([await count(T.agents), await count(T.imports), await count(T.txns)]).to.deep.equal([0, 0, 0]);
  });

  it('the import: the module’s figures printed beside WHMCS’s, equal to the cent', async function () {
    this.timeout(180_000); // each run is a new process: tsx, the platform, both databases
    const r = agentTools(current().url, ['whmcs', '--from', from(), '--program', 'cloudpockets', '--program', 'cloud-one']);
    expect([r.code, r.err]).to.deep.equal([0, '']);
    expect(r.out).to.contain('USD      imported            2         4           49.75           45.10          100.00');
    expect(r.out).to.contain('USD      in the module       2         3           49.75           45.10          100.00');
    expect(r.out).to.contain('KES      in the module       2         3         4550.50        15500.75        25000.00');
    expect(await count(T.agents)).to.equal(4);
  });

  it('run again: nothing imported, everything already there', async function () {
    this.timeout(180_000); // each run is a new process: tsx, the platform, both databases
    const txns = await count(T.txns);
    const r = agentTools(current().url, ['whmcs', '--from', from(), '--program', 'cloudpockets', '--program', 'cloud-one']);
    expect(r.code).to.equal(0);
    expect(r.out).to.contain('rows: affiliate 5 (imported 0, already 4, skipped 1)');
    expect(r.out).to.contain('USD      imported            0         0            0.00            0.00            0.00');
    expect(await count(T.txns)).to.equal(txns);
  });

  it('refuses what it cannot use, with a message: a --from that is not MySQL, a program that does not exist, no arguments', function () {
    this.timeout(180_000);
    const sqlite = agentTools(current().url, ['whmcs', '--from', 'sqlite:whmcs.sqlite', '--program', 'cloudpockets']);
    expect([sqlite.code, sqlite.err]).to.deep.equal([1, 'agent-tools: --from sqlite:whmcs.sqlite: WHMCS runs on MySQL or MariaDB; give mysql://user:password@host:3306/whmcs\n']);
    const unknown = agentTools(current().url, ['whmcs', '--from', from(), '--program', 'nope']);
    expect([unknown.code, unknown.err]).to.deep.equal([1, 'agent-tools: there is no program "nope"\n']);
    const bare = agentTools(current().url, []);
    expect(bare.code).to.equal(2);
    expect(bare.out).to.contain('agent-tools import whmcs --from');
  });
});
