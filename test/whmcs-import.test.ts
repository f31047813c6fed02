import { expect } from 'chai';
import { DateTime } from 'luxon';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { defined } from './support/defined';
import { Scenario, verifyAfterEach } from './support/scenario';
import { createWhmcsFixture, PLATFORM_CLIENTS, type WhmcsFixture } from './support/whmcs-fixture';
import { T } from '../module/db/tables';
import { asRows, num, text } from '../module/db/columns';
import { verifyLedger } from '../module/ledger/verify';
import type { Figures } from '../module/whmcs-import/import-report';

/**
 * Importing a WHMCS installation's affiliates (test/support/whmcs-fixture.ts) into a module on
 * SQLite and on MariaDB, the WHMCS database itself on MariaDB. Figures worked out by hand from
 * the fixture's rows, for the affiliates whose clients the billing platform has (1, 2, 3 and 5;
 * 4's client 104 is missing, 6's client is not even in WHMCS):
 *
 *   USD  agents 2 (1, 3)  pending 12.50 + 7.25 + 30.00 = 49.75   available 45.10 + 0 = 45.10
 *        withdrawn 100.00 (60.00 + 40.00)                         referrals: clients 201, 202 (two
 *        services), 205; 201 again from affiliate 3 is affiliate 1's already; service 399 is gone
 *   KES  agents 2 (2, 5)  pending 1500.00 + 2250.50 + 800.00 = 4550.50
 *        available 12000.00 + 3500.75 = 15500.75   withdrawn 10000.00 + 15000.00 = 25000.00 (of
 *        Esther's 15000.00 only 10000.00 has a row: 5000.00 comes as one more opening entry)
 *        referrals: clients 203, 204, 207; 208 is not in the billing platform
 *   skipped, USD: affiliate 4 with pending 9.99, available 20.00, withdrawn 50.00
 */
/** Figures as plain numbers: counts, and amounts in minor units. */
type Plain = Record<keyof Figures, number>;
const IMPORTED: Record<'USD' | 'KES', Plain> = {
  USD: { agents: 2, referrals: 4, pending: 4975, available: 4510, withdrawn: 10000 },
  KES: { agents: 2, referrals: 3, pending: 455050, available: 1550075, withdrawn: 2500000 },
};
const PROGRAMS = ['cloudpockets', 'cloud-one'];
const nairobi = (iso: string) => DateTime.fromISO(iso, { zone: 'Africa/Nairobi' }).toMillis();

/** "49.75" → 4975: both fixture currencies have two decimals, and SUM of DECIMAL(16,2) keeps them. */
function cents(decimal: unknown): number {
  const m = /^(-?\d+)\.(\d{2})$/.exec(String(decimal));
  if (!m) throw new Error(`not a 2-decimal amount: ${String(decimal)}`);
  return Number(`${m[1]}${m[2]}`);
}

/** WHMCS's figures by SQL over its own tables, for the affiliates whose clients the platform has. */
async function whmcsFigures(whmcs: Knex, clients: number[]): Promise<Record<string, { pending: number; available: number; withdrawn: number }>> {
  const out: Record<string, { pending: number; available: number; withdrawn: number }> = {};
  const balances = await whmcs('tblaffiliates as a')
    .join('tblclients as c', 'c.id', 'a.clientid')
    .join('tblcurrencies as cur', 'cur.id', 'c.currency')
    .whereIn('a.clientid', clients)
    .groupBy('cur.code')
    .select('cur.code', whmcs.raw('CAST(SUM(a.balance) AS CHAR) as available'), whmcs.raw('CAST(SUM(a.withdrawn) AS CHAR) as withdrawn'));
  for (const r of balances) out[String(r.code)] = { pending: 0, available: cents(r.available), withdrawn: cents(r.withdrawn) };
  const pending = await whmcs('tblaffiliatespending as p')
    .join('tblaffiliatesaccounts as acc', 'acc.id', 'p.affaccid')
    .join('tblaffiliates as a', 'a.id', 'acc.affiliateid')
    .join('tblclients as c', 'c.id', 'a.clientid')
    .join('tblcurrencies as cur', 'cur.id', 'c.currency')
    .whereIn('a.clientid', clients)
    .groupBy('cur.code')
    .select('cur.code', whmcs.raw('CAST(SUM(p.amount) AS CHAR) as pending'));
  for (const r of pending) defined(out[String(r.code)], String(r.code)).pending = cents(r.pending);
  return out;
}

/** The module's figures straight from its balances table, for the agents of those clients. */
async function moduleBalances(db: Knex, clients: number[]): Promise<Record<string, { pending: number; available: number; withdrawn: number }>> {
  const out: Record<string, { pending: number; available: number; withdrawn: number }> = {};
  const rows = await db(`${T.balances} as b`)
    .join(`${T.agents} as a`, 'a.id', 'b.agent_id')
    .whereIn('a.client_id', clients)
    .groupBy('b.currency', 'b.account')
    .select('b.currency', 'b.account')
    .sum({ s: 'b.balance_minor' });
  for (const r of asRows(rows)) {
    const f = (out[text(r.currency)] ??= { pending: 0, available: 0, withdrawn: 0 });
    const account = text(r.account);
    if (account === 'pending' || account === 'available' || account === 'withdrawn') f[account] = num(r.s);
  }
  return out;
}

/** Every row of every module table, to show that a run wrote nothing. */
async function snapshot(db: Knex): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(T)) {
    const rows = (await db(table).select('*')) as Record<string, unknown>[];
    out[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

const affiliateClients = [101, 102, 103, 105];

onEachDatabase('agent-tools import whmcs: a WHMCS installation’s affiliates brought across', ({ current }) => {
  let whmcs: WhmcsFixture | null = null;
  let s: Scenario;
  before(async function () {
    this.timeout(60_000);
    whmcs = await createWhmcsFixture();
    if (!whmcs) {
      console.warn('\n  MariaDB not reachable: the WHMCS import suites are skipped (the WHMCS fixture database lives on MariaDB).\n');
      this.skip();
    }
    s = await new Scenario(current().db, '2026-03-10T09:00:00Z').start();
    for (const c of PLATFORM_CLIENTS) s.host.addClient(c.id).currency = c.currency;
    await s.program('cloudpockets.json');
    await s.program('cloud-one.yaml');
  });
  after(async () => {
    await whmcs?.drop();
  });
  verifyAfterEach(() => s);
  const source = () => defined(whmcs, 'the WHMCS fixture').db;
  const run = (dryRun: boolean) => s.services.whmcsImport.run(source(), { programs: PROGRAMS, dryRun, batchSize: 2 });

  it('before: WHMCS’s own tables say USD 49.75 pending, 45.10 available, 100.00 withdrawn; KES 4,550.50, 15,500.75, 25,000.00', async () => {
    expect(await whmcsFigures(source(), affiliateClients)).to.deep.equal({
      USD: { pending: 4975, available: 4510, withdrawn: 10000 },
      KES: { pending: 455050, available: 1550075, withdrawn: 2500000 },
    });
  });

  it('a dry run says what it would bring and what it skips, and writes nothing', async () => {
    const before = await snapshot(current().db);
    const report = await run(true);
    expect(await snapshot(current().db)).to.deep.equal(before);
    for (const [cur, want] of Object.entries(IMPORTED)) expect(defined(report.totals.get(cur), cur).imported).to.deep.equal(want);
    expect(report.problems).to.include('affiliate 4 (client 104): skipped: client 104 is not in the billing platform');
    expect(report.problems).to.include("affiliate 6 (client 106): skipped: client 106 is not in WHMCS's tblclients (deleted?)");
    expect(report.lines().join('\n')).to.contain('to import');
  });

  it('the import: totals after, from the ledger, equal WHMCS’s to the cent in each currency; the missing client is reported and skipped', async () => {
    const report = await run(false);
    for (const [cur, want] of Object.entries(IMPORTED)) expect(defined(report.totals.get(cur), cur).imported, cur).to.deep.equal(want);
    expect(defined(report.totals.get('USD'), 'USD').skipped).to.deep.equal({ agents: 1, referrals: 3, pending: 999, available: 2000, withdrawn: 5000 });
    expect(defined(report.totals.get('KES'), 'KES').skipped).to.deep.equal({ agents: 0, referrals: 1, pending: 0, available: 0, withdrawn: 0 });
    expect(await moduleBalances(current().db, affiliateClients)).to.deep.equal(await whmcsFigures(source(), affiliateClients));
    const inModule = await s.services.whmcsImport.inModule();
    expect(Object.fromEntries(inModule)).to.deep.equal({
      USD: { ...IMPORTED.USD, referrals: 3 }, // clients 201, 202 (from two services), 205
      KES: IMPORTED.KES,
    });
    expect(report.rows).to.deep.equal({
      affiliate: { imported: 4, already: 0, skipped: 1 },
      account: { imported: 7, already: 0, skipped: 4 },
      pending: { imported: 6, already: 0, skipped: 1 },
      balance: { imported: 4, already: 0, skipped: 1 },
      withdrawal: { imported: 4, already: 0, skipped: 1 },
      withdrawn: { imported: 4, already: 0, skipped: 1 },
    });
    expect(report.problems).to.include.members([
      'affiliate 4 (client 104): skipped: client 104 is not in the billing platform',
      "affiliate 3 (client 103): account 17 skipped: client 201 is already WHMCS affiliate 1's",
      'affiliate 3 (client 103): account 18 skipped: service 399 is no longer in tblhosting',
      'affiliate 5 (client 105): account 21 skipped: client 208 is not in the billing platform',
      '1 pending commissions belong to no referred account (their tblaffiliatesaccounts row was deleted): not imported',
    ]);
    expect(await s.services.agents.byClient(104)).to.equal(null);
    const amina = defined(await s.services.agents.byClient(101), 'Amina’s agent');
    expect([await s.agentOf(201), await s.agentOf(202), await s.agentOf(205)]).to.deep.equal([amina.id, amina.id, defined(await s.services.agents.byClient(103), 'Chen').id]);
    const ledger = await verifyLedger(current().db);
    expect(ledger.problems).to.deep.equal([]);
    const openings = await current().db(T.txns).where({ kind: 'opening_balance' }).count({ n: '*' }).first();
    // 4 balances (Chen's of 0 makes none: 3), 4 withdrawal rows, Esther's 5000.00 without a row.
    expect(Number(openings?.n)).to.equal(3 + 4 + 1);
  });

  it('a second run changes nothing: every row is found already there', async () => {
    const before = await snapshot(current().db);
    const report = await run(false);
    expect(await snapshot(current().db)).to.deep.equal(before);
    for (const r of Object.values(report.rows)) expect(r.imported).to.equal(0);
    expect(report.rows.pending).to.deep.equal({ imported: 0, already: 6, skipped: 1 });
  });

  it('pending commissions become available on their clearing day through the daily cron: KES 800.00 at 00:00 on 12 March in Nairobi, USD 30.00 at 00:00 on 15 March UTC', async () => {
    const esther = defined(await s.services.agents.byClient(105), 'Esther’s agent').id;
    const chen = defined(await s.services.agents.byClient(103), 'Chen’s agent').id;
    s.clock.set(nairobi('2026-03-11T23:59:00'));
    await s.fire('DailyCronJob', {});
    expect(await s.balances(esther, 'KES')).to.deep.equal({ pending: 80000, available: 350075, reserved: 0, withdrawn: 1500000 });
    s.clock.set(nairobi('2026-03-12T00:00:00'));
    await s.fire('DailyCronJob', {});
    expect(await s.balances(esther, 'KES')).to.deep.equal({ pending: 0, available: 430075, reserved: 0, withdrawn: 1500000 });
    s.clock.set('2026-03-14T23:59:00Z');
    await s.fire('DailyCronJob', {});
    expect((await s.balances(chen, 'USD')).pending).to.equal(3000);
    s.clock.set('2026-03-15T00:00:00Z');
    await s.fire('DailyCronJob', {});
    expect(await s.balances(chen, 'USD')).to.deep.equal({ pending: 0, available: 3000, reserved: 0, withdrawn: 0 });
  });

  it('once the platform has client 104, the next run brings affiliate 4, and only that', async () => {
    s.host.addClient(104);
    const report = await run(false);
    expect(defined(report.totals.get('USD'), 'USD').imported).to.deep.equal({ agents: 1, referrals: 1, pending: 999, available: 2000, withdrawn: 5000 });
    expect(report.rows.affiliate).to.deep.equal({ imported: 1, already: 4, skipped: 0 });
    expect(await moduleBalances(current().db, [...affiliateClients, 104])).to.deep.equal({
      // 30.00 of USD and 800.00 of KES were released meanwhile: pending + available is unchanged.
      USD: { pending: 4975 - 3000 + 999, available: 4510 + 3000 + 2000, withdrawn: 15000 },
      KES: { pending: 455050 - 80000, available: 1550075 + 80000, withdrawn: 2500000 },
    });
  });
});
