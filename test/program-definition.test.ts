import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { DefinitionError, parseDefinition } from '../module/programs/definition';
import { readProgramText } from '../module/programs/program-service';

const EXAMPLES = path.resolve(__dirname, '../examples/programs');
const base = {
  slug: 'p',
  name: 'P',
  terms_version: 1,
  currency: 'KES',
  timezone: 'Africa/Nairobi',
  cookie_days: 90,
  hold_days: 45,
  categories: ['Setup Fees', 'Talk Time'],
  tiers: [{ key: 'bronze', name: 'Bronze' }],
  default_tier: 'bronze',
  rules: [{ id: 'setup', categories: ['Setup Fees'], rate_bp: 1000 }],
  payout: { thresholds: { KES: '10000.00' } },
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

describe('program definitions', () => {
  it('the five seed programs load cleanly', () => {
    const slugs = fs.readdirSync(EXAMPLES).map((f) => parseDefinition(readProgramText(fs.readFileSync(path.join(EXAMPLES, f), 'utf8'))).slug);
    expect(slugs.sort()).to.deep.equal(['cloud-one', 'cloudcodes', 'cloudlessons', 'cloudpockets', 'cloudsigma']);
  });

  const refused: [string, object, string][] = [
    ['an unknown category', { rules: [{ id: 'x', categories: ['Setup Fess'], rate_bp: 1000 }] }, 'rules[0].categories[0]: unknown category "Setup Fess" (not in the program\'s categories)'],
    [
      'an overlapping rule',
      {
        rules: [
          { id: 'a', categories: ['Setup Fees'], rate_bp: 1000 },
          { id: 'b', categories: ['Setup Fees', 'Talk Time'], tiers: ['bronze'], rate_bp: 500 },
        ],
      },
      'rules[1]: overlaps rule "a" (same role, lines and tiers)',
    ],
    ['a rate over 100 %', { rules: [{ id: 'x', rate_bp: 10_001 }] }, 'rules[0].rate_bp: at most 10000 bp (100 %)'],
    ['a negative amount', { rules: [{ id: 'x', fixed: '-500.00' }] }, 'rules[0].fixed: a non-negative amount such as 50.00'],
    ['too many decimals for the currency', { rules: [{ id: 'x', fixed: '5.001' }] }, 'rules[0].fixed: KES has 2 decimal places at most'],
    ['a bad currency', { currency: 'KSH' }, 'currency: an ISO 4217 currency code such as USD'],
    ['a bad threshold currency', { payout: { thresholds: { KES: '1.00', XYZ: '1.00' } } }, 'payout.thresholds.XYZ: an ISO 4217 currency code such as USD'],
    ['an unknown tier', { rules: [{ id: 'x', tiers: ['gold'], rate_bp: 100 }] }, 'rules[0].tiers[0]: unknown tier "gold"'],
    ['an unknown field', { rate: 10 }, '(program): Unrecognized key: "rate"'],
    ['a rule with no rate', { rules: [{ id: 'x' }] }, 'rules[0]: needs rate_bp, agent_rate, rate_by_certification or fixed'],
    [
      'levels that do not rise',
      {
        levels: [
          { min_paid_orders: 0, multiplier_bp: 10000 },
          { min_paid_orders: 0, multiplier_bp: 11000 },
        ],
      },
      'levels[1].min_paid_orders: levels must rise',
    ],
  ];
  for (const [what, change, issue] of refused) {
    it(`refuses ${what}, naming the field`, () => {
      expect(issuesOf({ ...base, ...change })).to.include(issue);
    });
  }
});

describe('agent-tools command line', function () {
  this.timeout(60_000);
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../bin/agent-tools.ts'), ...args], { encoding: 'utf8', env: { ...process.env, DATABASE_URL: 'sqlite::memory:' } });

  it('programs check: exit 0 for the examples, 1 naming the field of a bad file', () => {
    const good = run('programs', 'check', ...fs.readdirSync(EXAMPLES).map((f) => path.join(EXAMPLES, f)));
    expect(good.status, good.stderr).to.equal(0);
    expect(good.stdout).to.contain('ok    ');
    const bad = path.join(os.tmpdir(), `bad-program-${process.pid}.json`);
    fs.writeFileSync(bad, JSON.stringify({ ...base, currency: 'KSH' }));
    const out = run('programs', 'check', bad);
    fs.rmSync(bad);
    expect(out.status).to.equal(1);
    expect(out.stdout).to.contain('currency: an ISO 4217 currency code such as USD');
  });
});
