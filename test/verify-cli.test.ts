import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario } from './support/scenario';
import { T } from '../module/db/tables';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const CLI = path.join(ROOT, 'bin/agent-tools.ts');

/** `agent-tools verify` run as an operator would, in a folder of its own: exit code and output. */
function verify(databaseUrl: string, cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'agenttools-verify-'))) {
  const run = spawnSync(TSX, [CLI, 'verify'], { cwd, env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, out: run.stdout, err: run.stderr, files: fs.readdirSync(cwd) };
}

onEachDatabase('agent-tools verify on a ledger', ({ current }) => {
  let s: Scenario;
  let partner: number;

  before(async () => {
    s = await new Scenario(current().db, '2026-01-10T09:00:00Z').start();
    partner = await s.agent(await s.program('cloudsigma.yaml'), { ratePercentBp: 2000 });
    await s.pays(await s.referredClient(partner), [{ amount: 50_000 }]); // USD 100.00 pending
  });
  after(async () => {
    await s.stop();
  });

  it('a sound ledger: exit 0, "ok: 1 transactions"', () => {
    const r = verify(current().url);
    expect([r.code, r.err]).to.deep.equal([0, '']);
    expect(r.out).to.match(/^ok: 1 transactions, \d+ balances re-derived, 0 problems$/m);
  });

  it('a pending balance changed by hand from USD 100.00 to USD 150.00: exit 1, naming the balance', async () => {
    await s.db(T.balances).where({ agent_id: partner, account: 'pending', currency: 'USD' }).update({ balance_minor: 15_000 });
    const r = verify(current().url);
    expect(r.code).to.equal(1);
    expect(r.out).to.contain(`MISMATCH  balance ${partner}/pending/USD is 15000 but its entries sum to 10000`);
    expect(r.out).to.match(/^FAILED: 1 transactions, .* [1-9]\d* problems$/m);
  });
});

describe('agent-tools verify on no ledger at all', () => {
  it('DATABASE_URL=postgres://x: exit 1, "unknown database URL", and no file made', () => {
    const r = verify('postgres://x');
    expect(r.code).to.equal(1);
    expect(r.err).to.contain('agent-tools: unknown database URL postgres://x');
    expect(r.out).to.not.match(/^ok/m);
    expect(r.files).to.deep.equal([]);
  });

  it('a SQLite file that is not there: exit 1, "no SQLite database", and still no file', () => {
    const r = verify('sqlite:missing/agenttools.sqlite');
    expect([r.code, r.files]).to.deep.equal([1, []]);
    expect(r.err).to.contain('agent-tools: no SQLite database at missing/agenttools.sqlite');
  });

  it('a MySQL server that does not answer: exit 1, "cannot reach the database", the password not printed', () => {
    const r = verify('mysql://root:s3cret@127.0.0.1:1/agenttools');
    expect(r.code).to.equal(1);
    expect(r.err).to.contain('agent-tools: cannot reach the database at mysql://root:***@127.0.0.1:1/agenttools');
    expect(r.err + r.out).to.not.contain('s3cret');
  });
});
