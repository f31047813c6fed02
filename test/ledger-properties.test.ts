import { expect } from 'chai';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { onEachDatabase } from './support/databases';
import { Scenario } from './support/scenario';
import { T } from '../module/db/tables';
import { verifyLedger } from '../module/ledger/verify';
import { RuleError } from '../module/core/errors';
import { minor, percentOf, share, toDecimalString } from '../module/money/amount';
import { amountOf, type RatePart } from '../module/commissions/engine';
import { currency } from '../module/money/currencies';
import type { Program } from '../module/programs/program-service';

/**
 * Property tests of the money path. The expected values are computed here with BigInt and an
 * independent rounding (quotient and remainder, not the module's "add half then divide"), so a
 * shared mistake in the formula would not cancel out.
 */

/** num/den rounded to the nearest integer, ties away from zero, by quotient and remainder. */
function roundHalfAway(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const negative = num < 0n;
  const abs = negative ? -num : num;
  let q = abs / den;
  const r = abs % den;
  if (2n * r >= den) q += 1n;
  return negative ? -q : q;
}

/**
 * The rounding rule stated as a property of the result rather than a formula: `r` is a correct
 * half-away-from-zero rounding of num/den when it is within half a unit of the exact value and,
 * on an exact tie, the one further from zero.
 */
function isHalfAwayRounding(r: bigint, num: bigint, den: bigint): boolean {
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const diff2 = 2n * (r * den - num); // twice the rounding error, scaled by den
  const absDiff2 = diff2 < 0n ? -diff2 : diff2;
  if (absDiff2 > den) return false;
  if (absDiff2 === den) {
    // A tie: r must lie on the far side of the exact value from zero.
    return num >= 0n ? r * den > num : r * den < num;
  }
  return true;
}

const SAFE = Number.MAX_SAFE_INTEGER;

describe('money arithmetic: properties (no database)', () => {
  const NUM_RUNS = 2000;

  it('percentOf(base, bp) is the integer nearest base × bp / 10000, ties away from zero', () => {
    fc.assert(
      fc.property(fc.integer({ min: -SAFE, max: SAFE }), fc.integer({ min: 0, max: 10_000 }), (base, bp) => {
        const got = percentOf(minor(base), bp);
        expect(Number.isSafeInteger(got)).to.equal(true);
        const exact = BigInt(base) * BigInt(bp);
        expect(BigInt(got)).to.equal(roundHalfAway(exact, 10_000n));
        expect(isHalfAwayRounding(BigInt(got), exact, 10_000n)).to.equal(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('percentOf rounds exact halves away from zero (generated ties)', () => {
    // base × 5000 bp = (2q + 1) / 2: always a tie, which must round to ±(q + 1).
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), fc.boolean(), (q, negative) => {
        const base = (2 * q + 1) * (negative ? -1 : 1);
        expect(percentOf(minor(base), 5000)).to.equal((q + 1) * (negative ? -1 : 1));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('amountOf(base, parts) sums the rates exactly, rounds once half away from zero, then adds fixed parts', () => {
    const part: fc.Arbitrary<RatePart> = fc.oneof(
      fc.record({ kind: fc.constant('sales' as const), rule: fc.constant('r'), bp: fc.integer({ min: 0, max: 10_000 }) }),
      fc.record({
        kind: fc.constant('sales' as const),
        rule: fc.constant('r'),
        bp: fc.integer({ min: 0, max: 10_000 }),
        multiplierBp: fc.integer({ min: 1, max: 100_000 }),
      }),
      fc.record({ kind: fc.constant('fixed' as const), rule: fc.constant('f'), fixedMinor: fc.integer({ min: 0, max: 10_000_000 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), fc.array(part, { maxLength: 5 }), (base, parts) => {
        const got = amountOf(minor(base), parts);
        expect(Number.isSafeInteger(got)).to.equal(true);
        let numerator = 0n;
        let fixed = 0n;
        for (const p of parts) {
          if (p.bp !== undefined) numerator += BigInt(p.bp) * BigInt(p.multiplierBp ?? 10_000);
          if (p.fixedMinor !== undefined) fixed += BigInt(p.fixedMinor);
        }
        const exact = BigInt(base) * numerator;
        expect(BigInt(got)).to.equal(roundHalfAway(exact, 100_000_000n) + fixed);
        expect(isHalfAwayRounding(BigInt(got) - fixed, exact, 100_000_000n)).to.equal(true);
        // One rate part without a multiplier is exactly percentOf.
        if (parts.length === 1 && parts[0]!.bp !== undefined && parts[0]!.multiplierBp === undefined) {
          expect(got).to.equal(percentOf(minor(base), parts[0]!.bp));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('share(a, n, d) is the integer nearest a × n / d, ties away from zero, for any signs', () => {
    const fraction = fc
      .integer({ min: 1, max: 10 ** 9 })
      .chain((d) => fc.tuple(fc.constant(d), fc.integer({ min: -d, max: d }), fc.boolean()))
      .map(([d, n, negDen]) => ({ n, d: negDen ? -d : d }));
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15), max: 10 ** 15 }), fraction, (a, { n, d }) => {
        const got = share(minor(a), minor(n), minor(d));
        expect(Number.isSafeInteger(got)).to.equal(true);
        const exact = BigInt(a) * BigInt(n);
        expect(BigInt(got)).to.equal(roundHalfAway(exact, BigInt(d)));
        expect(isHalfAwayRounding(BigInt(got), exact, BigInt(d))).to.equal(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('share summed over a partition of d stays within half a unit per part of a (so never above a + parts)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 ** 13 }), fc.array(fc.integer({ min: 1, max: 10 ** 9 }), { minLength: 1, maxLength: 10 }), (a, parts) => {
        const d = parts.reduce((s, p) => s + p, 0);
        const shares = parts.map((p) => share(minor(a), minor(p), minor(d)));
        for (const x of shares) expect(Number.isSafeInteger(x)).to.equal(true);
        const sum = shares.reduce((s, x) => s + BigInt(x), 0n);
        const over = sum - BigInt(a);
        // What the brief asks: never more than one unit per part above a.
        expect(over <= BigInt(parts.length), `Σ share = ${sum}, a = ${a}, ${parts.length} parts`).to.equal(true);
        // What the rounding rule actually guarantees: at most half a unit per part either way.
        expect(2n * (over < 0n ? -over : over) <= BigInt(parts.length)).to.equal(true);
        expect(share(minor(a), minor(d), minor(d))).to.equal(a);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The money path as random sequences of host events, on both databases.
// ---------------------------------------------------------------------------------------------

/**
 * Runs per database; each run is a fresh program, agents and clients on emptied tables.
 * AGENTTOOLS_PROPERTY_RUNS=2000 searches harder (about 90 s on SQLite, 4 min on MariaDB).
 */
const RUNS = Number(process.env.AGENTTOOLS_PROPERTY_RUNS ?? 30);
const MAX_OPS = 20;
const DAY_MS = 86_400_000;
const USD = currency('USD');

type Op =
  | { k: 'agent' }
  | { k: 'client'; a: number }
  | { k: 'pay'; c: number; lines: number[] }
  | { k: 'paidAgain'; i: number }
  | { k: 'refundWhole'; i: number; withId: boolean }
  | { k: 'refundPart'; i: number; permille: number }
  | { k: 'refundAgain'; r: number }
  | { k: 'days'; n: number }
  | { k: 'withdraw'; a: number; funded: boolean; permille: number; raw: number }
  | { k: 'markPaid'; w: number }
  | { k: 'block'; a: number };

interface Terms {
  rateBp: number;
  fixedMinor: number;
  holdDays: number;
  taxBp: number;
  thresholdMinor: number;
}

const termsArb: fc.Arbitrary<Terms> = fc.record({
  rateBp: fc.integer({ min: 0, max: 10_000 }),
  fixedMinor: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 5_000 })),
  // Mostly short holds, so that money is released and withdrawn within a short sequence.
  holdDays: fc.oneof({ weight: 2, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 6, max: 40 }) }),
  taxBp: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_000 })),
  thresholdMinor: fc.integer({ min: 1, max: 20_000 }),
});

const lineAmount = fc.oneof(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 1_000 }));

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ k: 'agent' as const }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('client' as const), a: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ k: fc.constant('pay' as const), c: fc.nat(), lines: fc.array(lineAmount, { minLength: 1, maxLength: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('paidAgain' as const), i: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('refundWhole' as const), i: fc.nat(), withId: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('refundPart' as const), i: fc.nat(), permille: fc.integer({ min: 1, max: 1_200 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('refundAgain' as const), r: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('days' as const), n: fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 45 })) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      k: fc.constant('withdraw' as const),
      a: fc.nat(),
      funded: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      permille: fc.integer({ min: 1, max: 1_100 }),
      raw: fc.integer({ min: 1, max: 10 ** 9 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('markPaid' as const), w: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('block' as const), a: fc.nat() }) },
);

/**
 * Often, an opening that gives both first clients a paid invoice and lets the hold pass, so that
 * withdrawals, payouts and forfeitures of released money happen within a short sequence.
 */
const openingArb = fc.option(fc.tuple(fc.array(lineAmount, { minLength: 1, maxLength: 3 }), fc.array(lineAmount, { minLength: 1, maxLength: 3 })), { freq: 2 });

// ----- the model: what the test expects, kept without reading the ledger -----

interface ModelAgent {
  id: number;
  active: boolean;
  pending: number;
  available: number;
  reserved: number;
  withdrawn: number;
}
interface ModelCommission {
  lineId: number;
  invoiceId: number;
  agentId: number;
  amount: number;
  adjusted: number;
  status: 'pending' | 'available' | 'voided' | 'reversed' | 'forfeited';
  availableAt: number;
}
interface ModelWithdrawal {
  id: number;
  agentId: number;
  amount: number;
  tax: number;
  status: 'requested' | 'paid' | 'forfeited';
}
interface ModelInvoice {
  id: number;
  total: number;
  lineIds: number[];
  /** The sum of the refunds delivered so far, as the module keeps it. */
  refundedSoFar?: number;
}
interface Delivery {
  invoiceId: number;
  amount?: number;
  refundId?: string;
}

class Model {
  readonly agents: ModelAgent[] = [];
  readonly clients: { clientId: number; agentId: number }[] = [];
  readonly invoices: ModelInvoice[] = [];
  readonly commissions = new Map<number, ModelCommission>(); // by invoice line id
  readonly withdrawals: ModelWithdrawal[] = [];
  readonly refundKeys = new Set<string>();
  readonly refundDeliveries: Delivery[] = [];
  nextRefundId = 1;

  constructor(readonly terms: Terms) {}

  agent(id: number): ModelAgent {
    return this.agents.find((a) => a.id === id)!;
  }

  /** What one invoice line earns under the run's terms: rate rounded once, then the fixed part. */
  expectedCommission(line: number): number {
    if (line <= 0) return 0;
    return Number(roundHalfAway(BigInt(line) * BigInt(this.terms.rateBp), 10_000n)) + this.terms.fixedMinor;
  }

  /**
   * A refund as the module documents it: the share of each commission is rounded on the running
   * total of the invoice's refunds (less what earlier refunds took), and once the refunds reach
   * the invoice total whatever is left is taken.
   */
  refund(invoice: ModelInvoice, amount: number | undefined): void {
    const refunded = Math.min(amount ?? invoice.total, invoice.total);
    invoice.refundedSoFar = (invoice.refundedSoFar ?? 0) + refunded;
    const whole = invoice.refundedSoFar >= invoice.total;
    for (const lineId of invoice.lineIds) {
      const c = this.commissions.get(lineId);
      if (!c || (c.status !== 'pending' && c.status !== 'available')) continue;
      const remaining = c.amount - c.adjusted;
      const part = whole ? remaining : Number(roundHalfAway(BigInt(c.amount) * BigInt(invoice.refundedSoFar), BigInt(invoice.total))) - c.adjusted;
      const take = Math.min(part, remaining);
      if (take <= 0) continue;
      c.adjusted += take;
      const a = this.agent(c.agentId);
      if (c.status === 'pending') a.pending -= take;
      else a.available -= take;
      if (c.adjusted === c.amount) c.status = c.status === 'pending' ? 'voided' : 'reversed';
    }
  }

  /**
   * Whether a refund of this invoice would reach a released commission of a blocked agent: the
   * module then takes back again money the block already forfeited (see the second left-out
   * property at the end of this file), so the sequences leave such refunds out.
   */
  refundHitsForfeitedMoney(invoice: ModelInvoice): boolean {
    return invoice.lineIds.some((lineId) => {
      const c = this.commissions.get(lineId);
      return !!c && c.status === 'available' && !this.agent(c.agentId).active;
    });
  }

  release(now: number): void {
    for (const c of this.commissions.values()) {
      if (c.status !== 'pending' || c.availableAt > now) continue;
      const left = c.amount - c.adjusted;
      c.status = 'available';
      const a = this.agent(c.agentId);
      a.pending -= left;
      a.available += left;
    }
  }

  /**
   * Blocking: pending commissions are forfeited one by one; released ones keep their status
   * (their money is swept from available as a balance), requested withdrawals are forfeited.
   */
  block(a: ModelAgent): void {
    a.active = false;
    for (const c of this.commissions.values()) {
      if (c.agentId !== a.id || c.status !== 'pending') continue;
      a.pending -= c.amount - c.adjusted;
      c.adjusted = c.amount;
      c.status = 'forfeited';
    }
    for (const w of this.withdrawals) {
      if (w.agentId !== a.id || w.status !== 'requested') continue;
      w.status = 'forfeited';
      a.reserved -= w.amount;
    }
    if (a.available > 0) a.available = 0;
  }
}

// ----- reading the database -----

/** Every table the module owns, emptied between runs (the migrations' own tables are kept). */
async function emptyModuleTables(db: Knex): Promise<void> {
  if (!(await db.schema.hasTable(T.settings))) return; // the first run: nothing migrated yet
  // Agents reference programs: delete them first.
  const tables = Object.values(T).sort((x, y) => Number(y === T.agents) - Number(x === T.agents));
  for (const table of tables) await db(table).del();
}

/**
 * Everything an event could change (clicks are buffered on a timer, so they are left out; an
 * invoice lock's row counts every taking, a repeated event's too, so that two Galera nodes' takers
 * conflict: it is a mutex, not the module's state).
 */
async function snapshot(db: Knex): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(T)) {
    if (table === T.clicks || table === T.invoiceLocks) continue;
    const rows = (await db(table).select('*')) as Record<string, unknown>[];
    out[name] = rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number)]))).sort();
  }
  return out;
}

interface AgentBalances {
  pending: number;
  available: number;
  reserved: number;
  withdrawn: number;
}

async function ledgerBalances(db: Knex): Promise<Map<number, AgentBalances>> {
  const out = new Map<number, AgentBalances>();
  for (const r of await db(T.balances).whereNot('agent_id', 0).where({ currency: 'USD' }).select('agent_id', 'account', 'balance_minor')) {
    const id = Number(r.agent_id);
    const b = out.get(id) ?? { pending: 0, available: 0, reserved: 0, withdrawn: 0 };
    const account = String(r.account);
    if (account === 'pending' || account === 'available' || account === 'reserved' || account === 'withdrawn') b[account] = minor(r.balance_minor);
    out.set(id, b);
  }
  return out;
}

/**
 * What each agent holds, from the commissions and withdrawals tables alone (never the ledger):
 * pending is what pending commissions still carry, reserved what requested withdrawals hold,
 * withdrawn what paid withdrawals paid out after tax, and available the rest of the released
 * commissions less every withdrawal. A blocked agent keeps only a negative available balance
 * (a refund carried over), since what was positive was forfeited.
 */
async function balancesFromTables(db: Knex): Promise<Map<number, AgentBalances>> {
  const out = new Map<number, AgentBalances>();
  for (const a of await db(T.agents).select('id', 'status')) {
    const id = Number(a.id);
    const blocked = String(a.status) !== 'active';
    let pending = 0n;
    let released = 0n;
    for (const c of await db(T.commissions).where({ agent_id: id }).select('status', 'amount_minor', 'adjusted_minor')) {
      const left = BigInt(minor(c.amount_minor)) - BigInt(minor(c.adjusted_minor));
      if (c.status === 'pending') pending += left;
      // A forfeited commission has nothing left (adjusted = amount); a released one keeps what it
      // put into available, even once its agent is blocked.
      if (c.status === 'available' || c.status === 'forfeited') released += left;
    }
    let reserved = 0n;
    let withdrawn = 0n;
    let takenOut = 0n;
    for (const w of await db(T.withdrawals).where({ agent_id: id }).select('status', 'amount_minor', 'tax_minor')) {
      const amount = BigInt(minor(w.amount_minor));
      takenOut += amount;
      if (w.status === 'requested') reserved += amount;
      if (w.status === 'paid') withdrawn += amount - BigInt(minor(w.tax_minor));
    }
    let available = released - takenOut;
    if (blocked && available > 0n) available = 0n;
    out.set(id, { pending: Number(pending), available: Number(available), reserved: Number(reserved), withdrawn: Number(withdrawn) });
  }
  return out;
}

const sumOf = (b: AgentBalances) => b.pending + b.available + b.reserved + b.withdrawn;

async function expectUnchangedBy(db: Knex, what: string, action: () => Promise<void>): Promise<void> {
  const before = await snapshot(db);
  await action();
  expect(await snapshot(db), what).to.deep.equal(before);
}

async function expectRefused(action: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await action();
  } catch (e) {
    if (e instanceof RuleError) return;
    throw e;
  }
  expect.fail(`${what} should have been refused`);
}

/** One run: a fresh program and people on emptied tables, the operations, then the checks. */
async function runSequence(db: Knex, terms: Terms, ops: Op[]): Promise<void> {
  await emptyModuleTables(db);
  const s = await new Scenario(db, '2026-01-05T10:00:00Z').start();
  try {
    const program: Program = await s.program({
      slug: 'prop',
      name: 'Property program',
      terms_version: 1,
      currency: 'USD',
      timezone: 'UTC',
      cookie_days: 90,
      hold_days: terms.holdDays,
      withholding_tax_bp: terms.taxBp,
      rules: [{ id: 'sales', rate_bp: terms.rateBp, ...(terms.fixedMinor ? { fixed: toDecimalString(minor(terms.fixedMinor), USD) } : {}) }],
      payout: { thresholds: { USD: toDecimalString(minor(terms.thresholdMinor), USD) } },
    });
    const m = new Model(terms);

    const newAgent = async () => {
      const id = await s.agent(program);
      m.agents.push({ id, active: true, pending: 0, available: 0, reserved: 0, withdrawn: 0 });
    };
    const newClient = async (agentId: number) => {
      m.clients.push({ clientId: await s.referredClient(agentId), agentId });
    };
    // Every run starts with two agents and a referred client each, so short sequences do things.
    await newAgent();
    await newAgent();
    await newClient(m.agents[0]!.id);
    await newClient(m.agents[1]!.id);

    const pick = <X>(list: X[], n: number): X | undefined => (list.length ? list[n % list.length] : undefined);

    for (const [step, op] of ops.entries()) {
      const at = `step ${step} ${JSON.stringify(op)}`;
      switch (op.k) {
        case 'agent':
          if (m.agents.length < 6) await newAgent();
          break;
        case 'client': {
          const a = pick(
            m.agents.filter((x) => x.active),
            op.a,
          );
          if (a) await newClient(a.id);
          break;
        }
        case 'pay': {
          const c = pick(m.clients, op.c)!;
          const { invoiceId, lineIds } = await s.pays(
            c.clientId,
            op.lines.map((amount) => ({ amount })),
          );
          const invoice = { id: invoiceId, total: op.lines.reduce((x, y) => x + y, 0), lineIds };
          m.invoices.push(invoice);
          const a = m.agent(c.agentId);
          if (a.active) {
            lineIds.forEach((lineId, n) => {
              const amount = m.expectedCommission(op.lines[n]!);
              if (amount <= 0) return;
              m.commissions.set(lineId, { lineId, invoiceId, agentId: a.id, amount, adjusted: 0, status: 'pending', availableAt: s.clock.now() + terms.holdDays * DAY_MS });
              a.pending += amount;
            });
          }
          break;
        }
        case 'paidAgain': {
          const inv = pick(m.invoices, op.i);
          if (inv) await expectUnchangedBy(db, `${at}: a second InvoicePaid`, () => s.fire('InvoicePaid', { invoiceid: inv.id }));
          break;
        }
        case 'refundWhole':
        case 'refundPart': {
          const inv = pick(m.invoices, op.i);
          if (!inv || m.refundHitsForfeitedMoney(inv)) break;
          let delivery: Delivery;
          if (op.k === 'refundWhole') {
            delivery = { invoiceId: inv.id, ...(op.withId ? { refundId: `r${m.nextRefundId++}` } : {}) };
          } else {
            if (inv.total === 0) break;
            // Integer arithmetic only: a share of the invoice, possibly more than all of it.
            const amount = Math.max(1, Number((BigInt(inv.total) * BigInt(op.permille)) / 1000n));
            delivery = { invoiceId: inv.id, amount, refundId: `r${m.nextRefundId++}` };
          }
          const key = `${inv.id}:${delivery.refundId ?? 'whole'}`;
          if (m.refundKeys.has(key)) {
            // A whole refund without an id, delivered again.
            await expectUnchangedBy(db, `${at}: a repeated refund`, () => s.refund(inv.id, delivery.amount, delivery.refundId));
            break;
          }
          await s.refund(inv.id, delivery.amount, delivery.refundId);
          m.refundKeys.add(key);
          m.refundDeliveries.push(delivery);
          m.refund(inv, delivery.amount);
          break;
        }
        case 'refundAgain': {
          const d = pick(m.refundDeliveries, op.r);
          if (d) await expectUnchangedBy(db, `${at}: the same refund delivered again`, () => s.refund(d.invoiceId, d.amount, d.refundId));
          break;
        }
        case 'days':
          await s.daysPass(op.n);
          m.release(s.clock.now());
          break;
        case 'withdraw': {
          // Mostly an agent with money to withdraw; otherwise any agent (blocked, empty, negative).
          const a =
            (op.funded &&
              pick(
                m.agents.filter((x) => x.available > 0),
                op.a,
              )) ||
            pick(m.agents, op.a)!;
          const amount = a.available > 0 ? Math.max(1, Number((BigInt(a.available) * BigInt(op.permille)) / 1000n)) : op.raw;
          const allowed = a.active && amount >= terms.thresholdMinor && amount <= a.available;
          const agent = (await s.services.agents.get(a.id))!;
          const text = toDecimalString(minor(amount), USD);
          if (!allowed) {
            await expectUnchangedBy(db, `${at}: a refused withdrawal`, () => expectRefused(() => s.services.withdrawals.request(agent, program, text), `${at}: withdrawal of ${amount}`));
            break;
          }
          const w = await s.services.withdrawals.request(agent, program, text);
          expect(w.amount, at).to.equal(amount);
          m.withdrawals.push({ id: w.id, agentId: a.id, amount, tax: Number(roundHalfAway(BigInt(amount) * BigInt(terms.taxBp), 10_000n)), status: 'requested' });
          a.available -= amount;
          a.reserved += amount;
          break;
        }
        case 'markPaid': {
          const w = pick(m.withdrawals, op.w);
          if (!w) break;
          if (w.status !== 'requested') {
            await expectUnchangedBy(db, `${at}: paying a ${w.status} withdrawal`, () => expectRefused(() => s.services.withdrawals.markPaid(w.id, 1), `${at}: markPaid`));
            break;
          }
          await s.services.withdrawals.markPaid(w.id, 1);
          w.status = 'paid';
          const a = m.agent(w.agentId);
          a.reserved -= w.amount;
          a.withdrawn += w.amount - w.tax;
          break;
        }
        case 'block': {
          const a = pick(m.agents, op.a)!;
          if (!a.active) {
            await expectUnchangedBy(db, `${at}: blocking twice`, () => expectRefused(() => s.services.forfeiture.block(a.id, 'property test', 'test'), `${at}: block`));
            break;
          }
          await s.services.forfeiture.block(a.id, 'property test', 'test');
          m.block(a);
          break;
        }
      }

      // After every step: the ledger's balances are the model's, and never below their floors.
      const ledger = await ledgerBalances(db);
      for (const a of m.agents) {
        const b = ledger.get(a.id) ?? { pending: 0, available: 0, reserved: 0, withdrawn: 0 };
        expect(b, `${at}: balances of agent ${a.id}`).to.deep.equal({ pending: a.pending, available: a.available, reserved: a.reserved, withdrawn: a.withdrawn });
        expect(b.pending, at).to.be.at.least(0);
        expect(b.reserved, at).to.be.at.least(0);
      }
    }

    // ----- after the sequence -----
    const report = await verifyLedger(db);
    expect(report.problems, 'verifyLedger').to.deep.equal([]);

    const ledger = await ledgerBalances(db);
    const fromTables = await balancesFromTables(db);
    for (const a of m.agents) {
      const inLedger = ledger.get(a.id) ?? { pending: 0, available: 0, reserved: 0, withdrawn: 0 };
      const derived = fromTables.get(a.id)!;
      expect(sumOf(inLedger), `agent ${a.id}: pending+available+reserved+withdrawn against the commissions and withdrawals`).to.equal(sumOf(derived));
      expect(inLedger, `agent ${a.id}: each account against the commissions and withdrawals`).to.deep.equal(derived);
      expect(inLedger.pending).to.be.at.least(0);
      expect(inLedger.reserved).to.be.at.least(0);
    }
    for (const r of await db(T.balances).whereIn('account', ['pending', 'reserved']).whereNot('agent_id', 0)) {
      expect(minor(r.balance_minor), `${r.account} of agent ${r.agent_id}`).to.be.at.least(0);
    }

    const rows = await db(T.commissions).select('*');
    for (const r of rows) {
      const amount = minor(r.amount_minor);
      const adjusted = minor(r.adjusted_minor);
      expect(adjusted, `commission ${r.id}: adjusted`).to.be.at.least(0);
      expect(adjusted, `commission ${r.id}: adjusted ≤ amount`).to.be.at.most(amount);
    }
    // The rows are the model's: every commission's amount, what refunds took back and its status.
    const got = rows
      .map((r) => ({ lineId: Number(r.invoice_line_id), amount: minor(r.amount_minor), adjusted: minor(r.adjusted_minor), status: String(r.status) }))
      .sort((x, y) => x.lineId - y.lineId);
    const want = [...m.commissions.values()].map((c) => ({ lineId: c.lineId, amount: c.amount, adjusted: c.adjusted, status: c.status })).sort((x, y) => x.lineId - y.lineId);
    expect(got, 'commissions').to.deep.equal(want);
    const withdrawals = (await db(T.withdrawals).select('*')).map((r) => ({
      id: Number(r.id),
      agentId: Number(r.agent_id),
      amount: minor(r.amount_minor),
      tax: minor(r.tax_minor),
      status: String(r.status),
    }));
    expect(
      withdrawals.sort((x, y) => x.id - y.id),
      'withdrawals',
    ).to.deep.equal(m.withdrawals);
  } finally {
    await s.stop();
  }
}

/**
 * Each run: a random program (rate, fixed part, hold, withholding tax, threshold), two agents with
 * a referred client each, optionally an opening (both clients pay, the hold passes), then up to
 * MAX_OPS random events: new agents and referred clients; invoices of 1–4 lines of 0–10^9 minor
 * units; InvoicePaid delivered again; whole refunds (with or without a refund id) and partial ones
 * (each with its own id, some for more than the invoice; none that would reach a blocked agent's
 * released commission, see LEFT OUT (2) below); the same refund delivered again; days
 * passing with DailyCronJob; withdrawal requests (of part of, all of or more than the available
 * balance, from blocked and empty agents too: the refusals are expected, by the rules); markPaid
 * (of paid and forfeited withdrawals too: refused); and blocking (twice: refused).
 *
 * After every event: each agent's four balances in the ledger equal the model's, pending and
 * reserved ≥ 0; a repeated InvoicePaid, a repeated refund and every refused request leave every
 * table (but the click buffer) exactly as it was. After the sequence: verifyLedger finds no
 * problem; each agent's pending + available + reserved + withdrawn (and each of the four) equals
 * what the commissions and withdrawals tables say (balancesFromTables, which never reads the
 * ledger); no commission has adjusted < 0 or adjusted > amount; and the commission and
 * withdrawal rows are the model's (amounts from the rate, refunds' shares, statuses, tax).
 */
onEachDatabase('ledger properties: random sequences of money events', ({ current }) => {
  it(`keeps the ledger verified and every balance equal to what the commissions and withdrawals say (${RUNS} runs of up to ${MAX_OPS} events)`, async function () {
    this.timeout(300_000);
    const db = current().db;
    await fc.assert(
      fc.asyncProperty(termsArb, openingArb, fc.array(opArb, { minLength: 4, maxLength: MAX_OPS, size: 'max' }), (terms, opening, ops) =>
        runSequence(db, terms, opening ? [{ k: 'pay', c: 0, lines: opening[0] }, { k: 'pay', c: 1, lines: opening[1] }, { k: 'days', n: terms.holdDays }, ...ops] : ops),
      ),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Found failing, and fixed: CommissionService.onInvoiceRefunded now rounds the refunded share on
// the running total. Registered at the end of this file.
//
// The property: partial refunds (each with its own refund id, each less than the invoice) that
// together refund the whole invoice take back the whole of every commission the invoice earned.
//
// Found by the function below with seed -286060187 (9th run), shrunk to parts [1, 638078,
// 661402] at rateBp 3: the invoice of 1 299 481 minor units earns 390; the refunds (1 299 481
// in all) take back 0 + 191 + 198 = 389 (191.4999… and 198.4998… each round down), and 1 stays
// pending, later available and withdrawable. By hand: USD 1.00 at 10 % earns 0.10; refunds of
// 0.33, 0.33 and 0.34 each take back round(0.033) = 0.03, so 0.01 stays with the
// agent although the client got all of the money back. Each refund rounds its own share
// (share(amount, refunded, total)) instead of taking share(amount, refundedSoFar, total) minus
// what was already taken; only a single refund of the whole total is treated as "whole".
// ---------------------------------------------------------------------------------------------

/** Any test database will do; its module tables are emptied first. */
export async function partialRefundsAddingUpToTheInvoiceTakeBackEverything(db: Knex, params: fc.Parameters<[number[], number]> = { numRuns: 100 }): Promise<void> {
  const refunds = fc.array(fc.integer({ min: 1, max: 10 ** 6 }), { minLength: 2, maxLength: 5 });
  await fc.assert(
    fc.asyncProperty(refunds, fc.integer({ min: 1, max: 10_000 }), async (parts, rateBp) => {
      await emptyModuleTables(db);
      const s = await new Scenario(db, '2026-01-05T10:00:00Z').start();
      try {
        const program = await s.program({
          slug: 'refunds',
          name: 'Refunds',
          terms_version: 1,
          currency: 'USD',
          timezone: 'UTC',
          cookie_days: 90,
          hold_days: 30,
          rules: [{ id: 'sales', rate_bp: rateBp }],
          payout: { thresholds: { USD: '1.00' } },
        });
        const agent = await s.agent(program);
        const client = await s.referredClient(agent);
        const total = parts.reduce((x, y) => x + y, 0);
        const { invoiceId } = await s.pays(client, [{ amount: total }]);
        for (const [n, part] of parts.entries()) await s.refund(invoiceId, part, `part-${n}`);
        for (const [, amount, status] of await s.commissionsOf(invoiceId)) expect([status, amount], JSON.stringify({ parts, rateBp })).to.deep.equal(['voided', amount]);
        for (const c of await s.services.commissions.forInvoice(invoiceId)) expect(c.amount - c.adjusted, 'left with the agent').to.equal(0);
      } finally {
        await s.stop();
      }
    }),
    params,
  );
}

// ---------------------------------------------------------------------------------------------
// Found failing, and fixed: a refund no longer reaches a blocked agent's released commission
// (the block already forfeited that money as a balance). Registered at the end of this file; the
// random sequences still leave such refunds out (Model.refundHitsForfeitedMoney).
//
// The property: after an agent is blocked, a refund of an invoice whose commission had been
// released still leaves the agent's pending + available + reserved + withdrawn equal to what the
// commissions and withdrawals tables say: a blocked agent owes back at most what was paid out
// to them, never money the house already took back when it swept the available balance.
//
// Found when ForfeitureService.block (edited in the working tree while this file was written)
// began leaving released commissions 'available'. The function below fails at once: seed
// -1741183582 on SQLite shrinks to { lines: [4], rateBp: 1250, withdrawPermille: 0, refundPermille:
// 500 }: the line earns 1 (0.5 rounded), released; the block sweeps the 1 available; the refund of
// half the invoice takes back round(0.5) = 1 again, so available = -1 while the tables say 0
// (seed 251051214 on MariaDB: [61] at 82 bp, 509 ‰, the same -1). By hand: USD 10.00 at 10 % earns
// 1.00, released; the agent withdraws 0.60 and is paid; blocking sweeps the 0.40 left; a full
// refund then reverses the whole 1.00 from available: -1.00, so the agent owes 1.00 though only
// 0.60 was ever paid out, and the house's commission_expense ends at +0.40 (it recovered more than
// it paid). verifyLedger passes throughout: every entry balances, the error is which entries.
// ---------------------------------------------------------------------------------------------

interface BlockedScenario {
  lines: number[];
  rateBp: number;
  withdrawPermille: number;
  paid: boolean;
  refundPermille: number;
}

/** Any test database will do; its module tables are emptied first. */
export async function refundAfterBlockTakesBackNothingTwice(db: Knex, params: fc.Parameters<[BlockedScenario]> = { numRuns: 50 }): Promise<void> {
  const scenarioArb: fc.Arbitrary<BlockedScenario> = fc.record({
    lines: fc.array(fc.integer({ min: 1, max: 10 ** 9 }), { minLength: 1, maxLength: 3 }),
    rateBp: fc.integer({ min: 1, max: 10_000 }),
    // Permille of the available balance to withdraw before the block (0: none), and whether paid.
    withdrawPermille: fc.integer({ min: 0, max: 1_000 }),
    paid: fc.boolean(),
    refundPermille: fc.integer({ min: 1, max: 1_000 }),
  });
  await fc.assert(
    fc.asyncProperty(scenarioArb, async ({ lines, rateBp, withdrawPermille, paid, refundPermille }) => {
      await emptyModuleTables(db);
      const s = await new Scenario(db, '2026-01-05T10:00:00Z').start();
      try {
        const program = await s.program({
          slug: 'blocked',
          name: 'Blocked',
          terms_version: 1,
          currency: 'USD',
          timezone: 'UTC',
          cookie_days: 90,
          hold_days: 0,
          rules: [{ id: 'sales', rate_bp: rateBp }],
          payout: { thresholds: { USD: '0.01' } },
        });
        const agentId = await s.agent(program);
        const client = await s.referredClient(agentId);
        const { invoiceId } = await s.pays(
          client,
          lines.map((amount) => ({ amount })),
        );
        await s.daysPass(0);
        const available = (await s.balances(agentId)).available;
        const amount = Number((BigInt(available) * BigInt(withdrawPermille)) / 1000n);
        if (amount > 0) {
          const w = await s.services.withdrawals.request((await s.services.agents.get(agentId))!, program, toDecimalString(minor(amount), USD));
          if (paid) await s.services.withdrawals.markPaid(w.id, 1);
        }
        await s.services.forfeiture.block(agentId, 'property test', 'test');
        const total = lines.reduce((x, y) => x + y, 0);
        const refund = Math.max(1, Number((BigInt(total) * BigInt(refundPermille)) / 1000n));
        await s.refund(invoiceId, refund, 'after-block');
        const inLedger = (await ledgerBalances(db)).get(agentId) ?? { pending: 0, available: 0, reserved: 0, withdrawn: 0 };
        const derived = (await balancesFromTables(db)).get(agentId)!;
        expect(sumOf(inLedger), JSON.stringify({ inLedger, derived })).to.equal(sumOf(derived));
      } finally {
        await s.stop();
      }
    }),
    params,
  );
}

onEachDatabase('ledger properties: refunds found wrong once', ({ current }) => {
  it('partial refunds that add up to the whole invoice take back the whole commission', function () {
    this.timeout(120_000); // many generated cases, each a fresh program: slow on a busy machine
    return partialRefundsAddingUpToTheInvoiceTakeBackEverything(current().db, { numRuns: 25, seed: -286060187 });
  });
  it('partial refunds that add up to the whole invoice take back the whole commission (random seeds)', function () {
    this.timeout(120_000); // many generated cases, each a fresh program: slow on a busy machine
    return partialRefundsAddingUpToTheInvoiceTakeBackEverything(current().db, { numRuns: 15 });
  });
  it('a refund after the agent was blocked takes back nothing the block already took', function () {
    this.timeout(120_000); // many generated cases, each a fresh program: slow on a busy machine
    return refundAfterBlockTakesBackNothingTwice(current().db, { numRuns: 25 });
  });
});
