import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { Scenario } from './support/scenario';
import { BROWSER } from './support/user-agents';
import { T } from '../module/db/tables';
import { dayIn } from '../module/reports/rollups/rollup-store';
import type { Program } from '../module/programs/program-service';

/** A small program in Nairobi's time (UTC+3): 10 % of each paid line, 7 days' hold. */
const NAIROBI = {
  slug: 'rollup-test',
  name: 'Roll-up test',
  terms_version: 1,
  currency: 'KES',
  timezone: 'Africa/Nairobi',
  cookie_days: 60,
  hold_days: 7,
  rules: [{ id: 'default', rate_bp: 1000 }],
  payout: { thresholds: { KES: '100.00' } },
};

type RollupRow = {
  agent_id: number;
  program_id: number;
  source: string;
  country: string;
  day: string;
  currency: string;
  clicks: number;
  signups: number;
  qualified: number;
  paying: number;
  earned_minor: number;
  reversed_minor: number;
};

async function rollups(s: Scenario): Promise<RollupRow[]> {
  const rows = await s.db(T.dailyRollups).orderBy(['agent_id', 'program_id', 'source', 'country', 'day', 'currency']);
  return rows.map((r: Record<string, unknown>) => ({
    agent_id: Number(r.agent_id),
    program_id: Number(r.program_id),
    source: String(r.source),
    country: String(r.country),
    day: String(r.day),
    currency: String(r.currency),
    clicks: Number(r.clicks),
    signups: Number(r.signups),
    qualified: Number(r.qualified),
    paying: Number(r.paying),
    earned_minor: Number(r.earned_minor),
    reversed_minor: Number(r.reversed_minor),
  }));
}

/** The figures with nothing in them left out, as [source, country, day, figures…] for reading. */
const brief = (rows: RollupRow[]) => rows.map((r) => [r.source, r.country, r.day, r.clicks, r.signups, r.qualified, r.paying, r.earned_minor, r.reversed_minor]);

onEachDatabase('daily roll-ups: folded from clicks, referrals and the ledger', ({ current }) => {
  let s: Scenario;
  let program: Program;

  beforeEach(async () => {
    s = await new Scenario(current().db, '2026-01-05T20:00:00Z').start();
    program = await s.program(NAIROBI);
  });
  afterEach(() => s.stop());

  let visitor = 0;
  // Each click from its own address: the tracker counts one click per visitor and link a while.
  const clickFrom = async (agentId: number, source?: string) => {
    const c = await s.services.tracking.click(String(agentId), { ip: `203.0.113.${++visitor % 250}`, userAgent: BROWSER, referer: '' }, source);
    return c.cookie!.value;
  };

  it('files each figure on its day in Nairobi, under the source and the client’s country, and a second fold adds nothing', async () => {
    const agent = await s.agent(program);
    // 23:00 in Nairobi on 5 January: three clicks.
    for (let i = 0; i < 3; i++) await clickFrom(agent);
    // Two hours later it is 01:00 on 6 January there: a click from the newsletter, a sign-up from Kenya, a paid invoice of KES 1,000.00.
    s.clock.set('2026-01-05T22:00:00Z');
    const kenyan = await s.signsUp(await clickFrom(agent, 'newsletter'));
    s.host.clients.get(kenyan)!.country = 'KE';
    await s.pays(kenyan, [{ amount: 100_000 }], 'KES');
    // On 14 January (Nairobi) the cron releases the KES 100.00 (its hold ended at the start of the 13th);
    // a second client signs up untagged, with no country, pays KES 500.00 and is refunded the same day.
    await s.daysPass(8);
    const other = await s.signsUp(await clickFrom(agent));
    const { invoiceId } = await s.pays(other, [{ amount: 50_000 }], 'KES');
    await s.refund(invoiceId);
    await s.services.clicks.flush();
    // A minute on: on MariaDB the fold leaves rows of the last few seconds for the next one.
    s.clock.set(s.clock.now() + 60_000);
    await s.services.rollups.fold();
    const expected = [
      ['Default', '', '2026-01-05', 3, 0, 0, 0, 0, 0],
      ['Default', '', '2026-01-14', 1, 1, 1, 0, 5_000, 5_000],
      ['newsletter', '', '2026-01-06', 1, 0, 0, 0, 0, 0],
      ['newsletter', 'KE', '2026-01-06', 0, 1, 1, 0, 10_000, 0],
      ['newsletter', 'KE', '2026-01-14', 0, 0, 0, 1, 0, 0],
    ];
    expect(brief(await rollups(s))).to.deep.equal(expected);
    expect(await s.services.rollups.fold()).to.equal(0);
    expect(brief(await rollups(s))).to.deep.equal(expected);

    await s.services.rollups.rebuild();
    expect(brief(await rollups(s))).to.deep.equal(expected);

    // The report for January, by country: from the roll-ups only.
    const byCountry = await s.services.rollupReports.report(agent, { from: '2026-01-01', to: '2026-01-31', group: 'country' });
    expect(byCountry.map((r) => [r.key, r.clicks, r.signups, r.qualified, r.paying, r.money.get('KES')])).to.deep.equal([
      ['', 5, 1, 1, 0, { earned: 5_000, reversed: 5_000 }],
      ['KE', 0, 1, 1, 1, { earned: 10_000, reversed: 0 }],
    ]);
    const week = await s.services.rollupReports.totals(agent, { from: '2026-01-05', to: '2026-01-11' });
    expect([week.clicks, week.signups, week.qualified, week.paying, week.money.get('KES')]).to.deep.equal([4, 1, 1, 0, { earned: 10_000, reversed: 0 }]);
    await s.mustVerify();
  });
});

onEachDatabase('daily roll-ups: the fold against a recomputation', ({ current }) => {
  let s: Scenario;
  let program: Program;

  beforeEach(async () => {
    s = await new Scenario(current().db, '2026-01-05T20:00:00Z').start();
    program = await s.program(NAIROBI);
  });
  afterEach(() => s.stop());

  let visitor = 0;
  const clickFrom = async (agentId: number, source?: string) => {
    const c = await s.services.tracking.click(String(agentId), { ip: `198.51.100.${++visitor % 250}`, userAgent: BROWSER, referer: '' }, source);
    return c.cookie!.value;
  };

  it('after a random mix of clicks, sign-ups, payments, refunds, releases and folds, the roll-ups equal a recomputation from the raw rows', async () => {
    const agents = [await s.agent(program), await s.agent(program)];
    // mulberry32: a small PRNG whose low bits are as random as its high ones.
    let seed = 20261201;
    const rand = (n: number) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) % n;
    };
    const clients: number[] = [];
    const invoices: number[] = [];
    const sources = [undefined, 'newsletter', 'yt'];
    for (let step = 0; step < 60; step++) {
      const agent = agents[rand(2)]!;
      switch (rand(6)) {
        case 0:
          await clickFrom(agent, sources[rand(3)]);
          break;
        case 1: {
          const c = await s.signsUp(await clickFrom(agent, sources[rand(3)]));
          s.host.clients.get(c)!.country = ['KE', 'RU', null][rand(3)] ?? null;
          clients.push(c);
          break;
        }
        case 2:
          if (clients.length) invoices.push((await s.pays(clients[rand(clients.length)]!, [{ amount: 1_000 + rand(90_000) }], 'KES')).invoiceId);
          break;
        case 3:
          if (invoices.length) await s.refund(invoices[rand(invoices.length)]!, 100 + rand(900), `r${step}`);
          break;
        case 4:
          await s.daysPass(1 + rand(5));
          break;
        case 5:
          await s.services.clicks.flush();
          await s.services.rollups.fold();
          break;
      }
      s.clock.set(s.clock.now() + rand(6) * 3_600_000);
    }
    await s.services.clicks.flush();
    s.clock.set(s.clock.now() + 60_000);
    await s.services.rollups.fold();
    const folded = await rollups(s);
    expect(folded.length).to.be.greaterThan(3);
    expect(folded).to.deep.equal(await recompute(s, program));
    await s.services.rollups.rebuild();
    expect(await rollups(s)).to.deep.equal(folded);
  });
});

/**
 * The oracle: the same figures worked out from every raw row at once, written without the fold's
 * cursor, batches or stored client rows.
 */
async function recompute(s: Scenario, program: Program): Promise<RollupRow[]> {
  const zone = program.timezone;
  const out = new Map<string, RollupRow>();
  const add = (agent: number, source: string, country: string, ms: number, currency: string, f: Partial<RollupRow>) => {
    const day = dayIn(ms, zone);
    const k = [agent, source, country, day, currency].join('|');
    const r = out.get(k) ?? { agent_id: agent, program_id: program.id, source, country, day, currency, clicks: 0, signups: 0, qualified: 0, paying: 0, earned_minor: 0, reversed_minor: 0 };
    const sums = r as unknown as Record<string, number>;
    for (const [key, v] of Object.entries(f)) sums[key] = (sums[key] ?? 0) + (v as number);
    out.set(k, r);
  };
  for (const c of await s.db(T.clicks)) add(Number(c.agent_id), String(c.source), '', Number(c.created_at), 'KES', { clicks: 1 });
  const dims = new Map<string, { source: string; country: string }>();
  for (const r of await s.db(T.referrals)) {
    const d = { source: r.source === null ? '' : String(r.source), country: s.host.clients.get(Number(r.client_id))?.country ?? '' };
    dims.set(`${r.agent_id}:${r.client_id}`, d);
    add(Number(r.agent_id), d.source, d.country, Number(r.created_at), 'KES', { signups: 1 });
  }
  const commissions = new Map<number, number>();
  for (const c of await s.db(T.commissions)) commissions.set(Number(c.id), Number(c.client_id));
  const qualified = new Set<string>();
  const paying = new Set<string>();
  for (const t of await s.db(T.txns).orderBy('id')) {
    if (t.kind === 'pay') continue;
    const entries = await s.db(T.entries).where({ txn_id: t.id }).where('agent_id', '>', 0).whereIn('account', ['pending', 'available', 'reserved']);
    const perAgent = new Map<number, { net: number; released: boolean; currency: string }>();
    for (const e of entries) {
      const a = perAgent.get(Number(e.agent_id)) ?? { net: 0, released: false, currency: String(e.currency) };
      a.net += Number(e.amount_minor);
      if (t.kind === 'release' && e.account === 'available' && Number(e.amount_minor) > 0) a.released = true;
      perAgent.set(Number(e.agent_id), a);
    }
    for (const [agent, a] of perAgent) {
      const client = t.commission_id === null ? 0 : (commissions.get(Number(t.commission_id)) ?? 0);
      const d = dims.get(`${agent}:${client}`) ?? { source: '', country: '' };
      if (a.net > 0) add(agent, d.source, d.country, Number(t.created_at), a.currency, { earned_minor: a.net });
      if (a.net < 0) add(agent, d.source, d.country, Number(t.created_at), a.currency, { reversed_minor: -a.net });
      const who = `${agent}:${client}`;
      if (client > 0 && t.kind === 'earn' && a.net > 0 && !qualified.has(who)) {
        qualified.add(who);
        add(agent, d.source, d.country, Number(t.created_at), a.currency, { qualified: 1 });
      }
      if (client > 0 && a.released && !paying.has(who)) {
        paying.add(who);
        add(agent, d.source, d.country, Number(t.created_at), a.currency, { paying: 1 });
      }
    }
  }
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...out.values()].sort(
    (a, b) => cmp(a.agent_id, b.agent_id) || cmp(a.program_id, b.program_id) || cmp(a.source, b.source) || cmp(a.country, b.country) || cmp(a.day, b.day) || cmp(a.currency, b.currency),
  );
}
