import fs from 'node:fs';
import crypto from 'node:crypto';
import fc from 'fast-check';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { type Fixture, startHost } from './support/host-fixture';
import { type Role, type RouteWorld, routeWorld } from './support/route-world';
import { type FuzzCase, fieldsOf, fuzzCase, queryOf } from './support/fuzz-forms';
import { type HookPools, hookContextArb, hookVariablesArb } from './support/fuzz-hooks';
import { changedTables, moduleTables, snapshot, type Snapshot } from './support/fuzz-snapshot';
import { defined } from './support/defined';
import { T } from '../module/db/tables';
import { HookInputError, RuleError, errorMessage } from '../module/core/errors';
import { verifyLedger } from '../module/ledger/verify';
import { readProgramText } from '../module/programs/program-service';
import type { Route } from '../module/http/module-router';

/** A fixed seed, so that a failure is seen again; AGENTTOOLS_FUZZ_SEED and AGENTTOOLS_FUZZ_RUNS for more. */
const SEED = Number(process.env.AGENTTOOLS_FUZZ_SEED ?? 20261201);
/** Cases per route and per hook. */
const RUNS = Number(process.env.AGENTTOOLS_FUZZ_RUNS ?? 10);

/** Who asks: mostly those who could be let in, so that the forms' checks are reached, and the others now and then. */
function roleArb(route: Route): fc.Arbitrary<Role> {
  if (route.area === 'admin')
    return fc.oneof({ weight: 8, arbitrary: fc.constant<Role>('admin') }, { weight: 2, arbitrary: fc.constantFrom<Role>('anonymous', 'client', 'owning agent', 'agent as client') });
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom<Role>('owning agent', 'another agent', 'client', 'agent as client') }, { weight: 1, arbitrary: fc.constantFrom<Role>('anonymous', 'admin') });
}

/** Where a finding is told: what was sent, by whom, and what came back. */
const described = (role: Role, c: FuzzCase, status: number | string) => `${c.route.method} ${c.route.area} ${c.route.action} as ${role} ${JSON.stringify(c.values).slice(0, 300)} → ${status}`;

interface Tally {
  cases: Map<string, number>;
  /** Cases the module took (a form's work done, a hook's event handled): the rest were refused. */
  accepted: number;
  fivexx: string[];
  changedOnRefusal: string[];
}

function count(t: Tally, key: string): void {
  t.cases.set(key, (t.cases.get(key) ?? 0) + 1);
}

function report(kind: string, db: string, t: Tally): void {
  const total = [...t.cases.values()].reduce((a, b) => a + b, 0);
  const lines = [...t.cases].map(([k, n]) => `${k}: ${n}`);
  console.log(
    `      fuzz ${kind} [${db}]: ${total} cases (${t.accepted} taken, ${total - t.accepted} refused), ${t.fivexx.length} 5xx, ${t.changedOnRefusal.length} refusals that changed state\n        ${lines.join('; ')}`,
  );
}

/**
 * Every hook and every form and page of the module, driven with hostile and malformed values
 * (wrong types, huge strings, unicode, bad amounts, SQL and HTML, missing fields, unknown ids,
 * other people's ids): no answer is a 5xx (for a hook, no error but its refusal), a refusal
 * changes none of the module's tables, and the ledger verifies after each run.
 */
onEachDatabase('fuzz: hostile values at every hook and every form', ({ current }) => {
  let f: Fixture;
  let world: RouteWorld;
  let routes: Route[];
  let tables: string[];
  const paidInvoices: number[] = [];
  const hook = (name: string) =>
    defined(
      f.host.agentTools.hooks.find(([n]) => n === name),
      name,
    )[2];

  before(async function () {
    this.timeout(120_000);
    f = await startHost(current().db);
    world = await routeWorld(f);
    routes = f.host.agentTools.routes();
    const s = f.host.agentTools.services;
    const { o, w } = world;
    // Money to fuzz with: a program that takes applications, Wanjiru referred by Ann with two paid
    // invoices and a manual commission, released; one withdrawal waiting to be paid.
    await s.programs.load(readProgramText(fs.readFileSync('examples/programs/cloudlessons.yaml', 'utf8')));
    await s.assignments.assign(o.wanjiru, o.ann, 'admin', 'fuzz: Ann referred Wanjiru');
    for (let i = 0; i < 2; i++) {
      const order = await w.sessions.client.post('/', '/order', { product_id: f.productId });
      const invoice = defined(/\/invoices\/(\d+)/.exec(String(order.headers.location)), `an invoice (${order.status})`)[1];
      const paid = await w.sessions.client.post('/', `/invoices/${invoice}/pay`, {});
      expect(paid.status, 'pay').to.equal(303);
      paidInvoices.push(Number(invoice));
    }
    await s.manualCommissions.addManual(o.ann, '100.00', 'fuzz: money to withdraw', crypto.randomUUID(), o.wanjiru);
    f.clock.advanceDays(90);
    await hook('DailyCronJob')({});
    const withdrawal = await world.ask('owning agent', { method: 'POST', path: '/index.php?m=agenttools&action=withdraw' }, '', { amount: '50.00' });
    expect(withdrawal.status, 'withdraw').to.equal(303);
    tables = await moduleTables(current().db);
  });
  after(() => f.host.stop());

  afterEach(async () => {
    const report = await verifyLedger(current().db);
    expect(report.problems, 'the ledger after the run').to.deep.equal([]);
  });

  it('what the fuzzing found stays fixed: a login redirect too long for its header; hooks about invoices or lines the host does not have', async () => {
    // A 12 KB address went back into the login's Location header, which no client could read.
    const long = 'é'.repeat(2000);
    const client = await world.w.sessions.anonymous.agent.get(`/index.php?m=agenttools&action=domains&done=${long}`);
    expect([client.status, client.headers.location]).to.deep.equal([302, `/login?return=${encodeURIComponent('/index.php?m=agenttools')}`]);
    const admin = await world.w.sessions.client.agent.get(`/admin/addonmodules.php?module=agenttools&done=${long}`);
    expect([admin.status, admin.headers.location]).to.deep.equal([302, `/admin/login?return=${encodeURIComponent('/admin/addonmodules.php?module=agenttools')}`]);
    // Refused as bad input (a RuleError, which a host can tell from a fault), and nothing written.
    const db = current().db;
    const before = await snapshot(db, tables);
    const refusal = async (name: string, vars: unknown) =>
      hook(name)(vars).then(
        () => 'taken',
        (e: unknown) => (e instanceof RuleError ? `refused: ${e.message}` : `failed: ${errorMessage(e)}`),
      );
    expect(await refusal('InvoicePaid', { invoiceid: 987_654 })).to.equal('refused: invoice 987654 does not exist in the host');
    const invoice = defined(paidInvoices[0], 'a paid invoice');
    expect(await refusal('InvoiceRefunded', { invoiceid: invoice, line_ids: [987_654] })).to.equal(`refused: invoice ${invoice} has no line 987654`);
    expect(changedTables(before, await snapshot(db, tables))).to.deep.equal([]);
  });

  it('every POST route has its fields in the fuzz table', () => {
    const missing = routes.filter((r) => fieldsOf(r) === null).map((r) => `${r.area} ${r.action}`);
    expect(missing, `add their fields to FORM_FIELDS in test/support/fuzz-forms.ts: ${missing.join(', ')}`).to.deep.equal([]);
  });

  it('every form and page: no 5xx, and a refusal changes nothing', async function () {
    this.timeout(600_000);
    const t: Tally = { cases: new Map(), accepted: 0, fivexx: [], changedOnRefusal: [] };
    const db = current().db;
    const logged = f.logger.lines.length;
    // Taken again only when something may have written since: a GET (an agent's device), a form's work, a restore.
    let before: Snapshot | null = null;
    for (const [i, route] of routes.entries()) {
      const arb = fc.tuple(roleArb(route), fuzzCase(route, fieldsOf(route) ?? [], world.o));
      for (const [role, c] of fc.sample(arb, { seed: SEED + i, numRuns: RUNS })) {
        const query = route.method === 'GET' ? queryOf(c.values) : '';
        count(t, `${route.area} ${route.action}`);
        if (route.method === 'POST') before ??= await snapshot(db, tables);
        // An answer the client cannot read (a header too large) is as bad as a 5xx.
        const status = await world.ask(role, route, query, route.method === 'POST' ? c.values : {}).then(
          (res) => res.status,
          (e: unknown) => `no answer: ${errorMessage(e)}`,
        );
        if (typeof status === 'string' || status >= 500) t.fivexx.push(described(role, c, status));
        // A refusal: an error, or the way to a login. A GET may write (an agent's device), a form's 200 or 303 is its work done.
        const refused = typeof status === 'string' || status >= 400 || status === 302;
        if (before && refused) {
          const after = await snapshot(db, tables);
          const changed = changedTables(before, after);
          if (changed.length) t.changedOnRefusal.push(`${described(role, c, status)} changed ${changed.join(', ')}`);
          before = after;
        }
        if (!refused) t.accepted++;
        if (route.method === 'GET' || !refused) before = null;
        // A form's work may end a grant, a sign-in or an agent's standing that later cases need.
        if (route.method === 'POST' && !refused) await world.restore();
      }
    }
    report('forms and pages', current().kind, t);
    expect(t.fivexx, '5xx answers').to.deep.equal([]);
    // A fault caught and answered politely is a fault all the same: logged as an error, it counts.
    const faults = f.logger.lines.slice(logged).filter((l) => l.level === 'error');
    expect(
      faults.map((l) => `${l.message} ${JSON.stringify(l.data ?? {}).slice(0, 200)}`),
      'errors logged',
    ).to.deep.equal([]);
    expect(t.changedOnRefusal, 'refusals that changed state').to.deep.equal([]);
  });

  it('every hook: no error but its refusal, and a refusal changes nothing', async function () {
    this.timeout(600_000);
    const t: Tally = { cases: new Map(), accepted: 0, fivexx: [], changedOnRefusal: [] };
    const db = current().db;
    const pools: HookPools = {
      codes: (await db(T.agents).whereNotNull('referral_code').select('referral_code')).map((a) => String(a.referral_code)),
      emails: (await db('host_clients').select('email')).map((c) => String(c.email)),
      domains: (await db(T.domains).select('domain')).map((d) => String(d.domain)),
    };
    let before: Snapshot = await snapshot(db, tables);
    for (const [i, [name, , handler]] of f.host.agentTools.hooks.entries()) {
      const arb = fc.tuple(hookVariablesArb(name, pools), hookContextArb);
      for (const [vars, ctx] of fc.sample(arb, { seed: SEED + 1000 + i, numRuns: RUNS * 3 })) {
        let outcome: 'done' | 'refused' | 'failed' = 'done';
        try {
          const errors = await handler(vars, ctx);
          if (errors && Object.keys(errors).length) outcome = 'refused';
        } catch (e) {
          // Variables that break the contract, or name what the host does not have: refused, told.
          outcome = e instanceof HookInputError || e instanceof RuleError ? 'refused' : 'failed';
          if (outcome === 'failed') t.fivexx.push(`${name} ${String(JSON.stringify(vars)).slice(0, 300)}: ${errorMessage(e)}`);
        }
        count(t, name);
        if (outcome === 'done') t.accepted++;
        const after = await snapshot(db, tables);
        const changed = changedTables(before, after);
        if (outcome === 'refused' && changed.length) t.changedOnRefusal.push(`${name} ${String(JSON.stringify(vars)).slice(0, 300)} changed ${changed.join(', ')}`);
        before = after;
      }
      f.clock.advanceDays(1);
    }
    report('hooks', current().kind, t);
    expect(t.fivexx, 'hooks that failed with an error other than their refusal').to.deep.equal([]);
    expect(t.changedOnRefusal, 'refused hooks that changed state').to.deep.equal([]);
  });
});
