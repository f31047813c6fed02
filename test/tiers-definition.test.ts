import { expect } from 'chai';
import { DefinitionError, parseDefinition } from '../module/programs/definition';
import { endedPeriods, monthsFrom, periodAt } from '../module/tiers/periods';
import { decide } from '../module/tiers/tier-rules';

const base = {
  slug: 'p',
  name: 'P',
  terms_version: 1,
  currency: 'KES',
  timezone: 'Africa/Nairobi',
  cookie_days: 90,
  hold_days: 45,
  tiers: [
    { key: 'entry', name: 'Entry' },
    { key: 'bronze', name: 'Bronze', requirements: { sales_per_month: '50000.00', new_customers_per_month: 1, checklist: [{ key: 'sip', label: 'SIP trunk' }] } },
  ],
  default_tier: 'entry',
  rules: [{ id: 'all', rate_bp: 1000 }],
  payout: { thresholds: { KES: '10000.00' } },
  evaluation: { period: 'quarterly' },
};

function issuesOf(def: unknown): string[] {
  try {
    parseDefinition(def);
  } catch (e) {
    if (e instanceof DefinitionError) return e.issues;
    throw e;
  }
  return [];
}

const withBronze = (requirements: object) => ({ ...base, tiers: [base.tiers[0], { key: 'bronze', name: 'Bronze', requirements }] });

describe('tier requirements and evaluation in a program file', () => {
  it('reads the defaults: evaluation measures the monthly average, takes effect at the next period, demotes, keeps nothing', () => {
    const def = parseDefinition(base);
    expect(def.evaluation).to.deep.equal({ period: 'quarterly', measure: 'average_per_month', effective: 'next_period_start', demote: true, keep: 'none', mid_period_upgrade: 'none' });
    expect(def.tiers[1]!.requirements!.checklist[0]).to.deep.equal({ key: 'sip', label: 'SIP trunk', type: 'check', levels: [] });
  });

  it('names each bad field: an amount, a count without min, a level min that is no level, a check with a min', () => {
    expect(issuesOf(withBronze({ sales_per_month: '50k' }))).to.deep.equal(['tiers[1].requirements.sales_per_month: a non-negative amount such as 50.00']);
    expect(issuesOf(withBronze({ sales_per_month: '1.234' }))).to.have.length(1);
    expect(issuesOf(withBronze({ checklist: [{ key: 'certs', label: 'Certifications', type: 'count' }] }))).to.deep.equal([
      'tiers[1].requirements.checklist[0].min: a count item needs a whole number min ≥ 1',
    ]);
    expect(issuesOf(withBronze({ checklist: [{ key: 'tech', label: 'Technical', type: 'level', levels: ['basic', 'advanced'], min: 'expert' }] }))).to.deep.equal([
      "tiers[1].requirements.checklist[0].min: one of the item's levels",
    ]);
    expect(issuesOf(withBronze({ checklist: [{ key: 'sip', label: 'SIP', min: 1 }] }))).to.deep.equal(['tiers[1].requirements.checklist[0].min: a check item has no min or levels']);
  });

  it('refuses one checklist key with two types across tiers, an evaluation without tiers, and keep outside a yearly evaluation', () => {
    const twoTypes = {
      ...base,
      tiers: [
        { key: 'entry', name: 'Entry', requirements: { checklist: [{ key: 'sip', label: 'SIP' }] } },
        { key: 'bronze', name: 'Bronze', requirements: { checklist: [{ key: 'sip', label: 'SIP', type: 'count', min: 2 }] } },
      ],
    };
    expect(issuesOf(twoTypes)).to.deep.equal(['tiers[1].requirements.checklist[0]: "sip" has another type or levels in an earlier tier']);
    const { tiers: _t, default_tier: _d, ...noTiers } = base;
    expect(issuesOf(noTiers)).to.deep.equal(['evaluation: only a program with tiers is evaluated']);
    expect(issuesOf({ ...base, evaluation: { period: 'quarterly', keep: 'rest_of_year_and_next' } })).to.deep.equal(['evaluation.keep: rest_of_year_and_next with period: yearly']);
    expect(issuesOf({ ...base, evaluation: { period: 'weekly' } })).to.have.length(1);
  });

  it('decides the highest tier whose requirements are all met, exactly: KES 150,000.00 over 3 months meets 50,000.00 a month, 149,999.99 does not; the checklist must be ticked', () => {
    const def = parseDefinition(base);
    const ticked = new Map([['sip', '1']]);
    expect(decide(def, { salesMinor: 15_000_000, newCustomers: 3, months: 3, paidOrders: 0 }, ticked)).to.equal('bronze');
    expect(decide(def, { salesMinor: 14_999_999, newCustomers: 3, months: 3, paidOrders: 0 }, ticked)).to.equal('entry');
    expect(decide(def, { salesMinor: 15_000_000, newCustomers: 2, months: 3, paidOrders: 0 }, ticked)).to.equal('entry');
    expect(decide(def, { salesMinor: 15_000_000, newCustomers: 3, months: 3, paidOrders: 0 }, new Map())).to.equal('entry');
  });
});

describe('evaluation periods in the program time zone', () => {
  const at = (iso: string) => Date.parse(iso);

  it('a quarter in Nairobi (UTC+3) ends at 21:00 UTC on its last day', () => {
    const q = periodAt('quarterly', at('2026-03-31T20:59:59Z'), 'Africa/Nairobi');
    expect([q.key, q.start.toISO(), q.end.toISO(), q.months]).to.deep.equal(['2026-Q1', '2026-01-01T00:00:00.000+03:00', '2026-04-01T00:00:00.000+03:00', 3]);
    expect(periodAt('quarterly', at('2026-03-31T21:00:00Z'), 'Africa/Nairobi').key).to.equal('2026-Q2');
  });

  it('only whole periods that began after the evaluation was loaded, and have ended, oldest first', () => {
    const loaded = at('2025-12-15T09:00:00Z');
    expect(endedPeriods('quarterly', loaded, at('2026-10-02T00:00:00Z'), 'Africa/Nairobi').map((p) => p.key)).to.deep.equal(['2026-Q1', '2026-Q2', '2026-Q3']);
    expect(endedPeriods('yearly', at('2026-01-01T00:00:00+05:30'), at('2027-01-01T00:00:00+05:30'), 'Asia/Kolkata').map((p) => p.key)).to.deep.equal(['2026']);
    expect(endedPeriods('monthly', loaded, at('2026-01-31T20:59:59Z'), 'Africa/Nairobi')).to.deep.equal([]);
  });

  it('an agent who joined on 15 February is measured over February and March of Q1 (2 months)', () => {
    const q = periodAt('quarterly', at('2026-02-15T09:00:00Z'), 'Africa/Nairobi');
    expect(monthsFrom(q, at('2026-02-15T09:00:00Z'))).to.equal(2);
    expect(monthsFrom(q, at('2025-11-01T00:00:00Z'))).to.equal(3);
  });
});
