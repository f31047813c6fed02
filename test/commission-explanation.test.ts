import path from 'node:path';
import ejs from 'ejs';
import { expect } from 'chai';
import { amountOf, type RatePart } from '../module/commissions/engine';
import { explainCommission, type ExplainedCommission } from '../module/commissions/explanation';
import { Pages } from '../module/http/pages';
import { translator } from '../module/i18n/lang';
import { minor } from '../module/money/amount';

const t = translator('english');
/** Intl writes a no-break space between the currency code and the digits. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

/** A commission on `base` as the engine would store it: the amount from its parts, rounded once. */
function earned(currency: string, base: number, parts: RatePart[], role = 'sales'): ExplainedCommission {
  return { parts, base: minor(base), amount: amountOf(minor(base), parts), currency, role, status: 'pending', reason: null };
}

describe('the commission explanation', () => {
  it('Cloud One: a Titanium agent who sold and performed advanced training with the targets met earns 63 %: KES 7,560.00 on KES 12,000.00', () => {
    const c = earned('KES', 1_200_000, [
      { kind: 'sales', rule: 'training', bp: 2000 },
      { kind: 'technical', rule: 'training-tech', bp: 4000, certification: 'advanced' },
      { kind: 'bonus', rule: 'tier:titanium', bp: 300 },
    ]);
    expect(c.amount).to.equal(756_000);
    expect(explainCommission(c, t)).to.equal('20 % sales + 40 % advanced technical + 3 % target bonus on KES\u00a012,000.00 = KES\u00a07,560.00');
  });

  it('names the technician’s certification, or none: 20 % basic technical, 30 % intermediate technical, 40 % technical', () => {
    expect(plain(explainCommission(earned('KES', 300_000, [{ kind: 'technical', rule: 'setup', bp: 2000, certification: 'basic' }]), t))).to.equal('20 % basic technical on KES 3,000.00 = KES 600.00');
    expect(plain(explainCommission(earned('KES', 400_000, [{ kind: 'technical', rule: 'training', bp: 3000, certification: 'intermediate' }]), t))).to.equal(
      '30 % intermediate technical on KES 4,000.00 = KES 1,200.00',
    );
    expect(plain(explainCommission(earned('KES', 300_000, [{ kind: 'technical', rule: 'setup', bp: 4000 }]), t))).to.equal('40 % technical on KES 3,000.00 = KES 1,200.00');
  });

  it('Cloudlessons: a level multiplies the course rate, 30 % × 110 % of RUB 10,000.00 = RUB 3,300.00; 100 % says nothing', () => {
    expect(plain(explainCommission(earned('RUB', 1_000_000, [{ kind: 'sales', rule: 'course-101', bp: 3000, multiplierBp: 11_000 }]), t))).to.equal(
      '30 % × 110 % level sales on RUB 10,000.00 = RUB 3,300.00',
    );
    expect(plain(explainCommission(earned('RUB', 1_000_000, [{ kind: 'sales', rule: 'course-101', bp: 3000, multiplierBp: 10_000 }]), t))).to.equal('30 % sales on RUB 10,000.00 = RUB 3,000.00');
  });

  it('CloudSigma: a partner’s own rate on an invoice in EUR, converted at the platform rate: 20 % of EUR 300.00 at 1.0845 = USD 325.35 earns USD 65.07', () => {
    const c = earned('USD', 32_535, [
      { kind: 'fx', rule: 'fx', fx: { from: 'EUR', rate: '1.0845', originalMinor: 30_000 } },
      { kind: 'agent_rate', rule: 'cloud', bp: 2000 },
    ]);
    expect(plain(explainCommission(c, t))).to.equal('20 % partner rate on USD 325.35 (EUR 300.00 at 1.0845) = USD 65.07');
  });

  it('a fixed amount alone and beside a rate: USD 5.00 fixed on USD 20.00, and 10 % + USD 5.00 on USD 123.45 = USD 17.35 (12.345 rounds to 12.35)', () => {
    expect(plain(explainCommission(earned('USD', 2000, [{ kind: 'fixed', rule: 'setup', fixedMinor: 500 }]), t))).to.equal('USD 5.00 fixed on USD 20.00 = USD 5.00');
    const both = earned('USD', 12_345, [
      { kind: 'sales', rule: 'hosting', bp: 1000 },
      { kind: 'fixed', rule: 'hosting', fixedMinor: 500 },
    ]);
    expect(plain(explainCommission(both, t))).to.equal('10 % sales + USD 5.00 fixed on USD 123.45 = USD 17.35');
  });

  it('an admin’s manual commission has no base: KES 25,000.00 manual = KES 25,000.00', () => {
    const manual: ExplainedCommission = {
      parts: [{ kind: 'fixed', rule: 'manual', fixedMinor: 2_500_000 }],
      base: minor(0),
      amount: minor(2_500_000),
      currency: 'KES',
      role: 'manual',
      status: 'pending',
      reason: 'custom development',
    };
    expect(plain(explainCommission(manual, t))).to.equal('KES 25,000.00 manual = KES 25,000.00');
  });

  it('a rejected line is explained by its reason', () => {
    const rejected: ExplainedCommission = { parts: [], base: minor(30_000), amount: minor(0), currency: 'EUR', role: 'rejected', status: 'rejected', reason: 'invoice in EUR; the program pays USD' };
    expect(explainCommission(rejected, t)).to.equal('invoice in EUR; the program pays USD');
  });

  it('takes its words from the language file and its numbers from the locale', () => {
    const c = earned('KES', 1_200_000, [
      { kind: 'sales', rule: 'training', bp: 2000 },
      { kind: 'bonus', rule: 'tier:gold', bp: 200 },
    ]);
    const keys = explainCommission(
      c,
      (key, vars = {}) =>
        `${key}(${Object.values(vars)
          .map((v) => (typeof v === 'object' ? `${v.minor} ${v.currency}` : String(v)))
          .join('|')})`,
    );
    expect(plain(keys)).to.equal('commission.equals(commission.on(commission.plus(commission.part.sales(20 %)|commission.part.bonus(2 %))|KES 12,000.00)|KES 2,640.00)');
    expect(explainCommission(c, t, 'ru')).to.equal('20 % sales + 2 % target bonus on 12\u00a0000,00\u00a0KES = 2\u00a0640,00\u00a0KES');
  });

  it('the commission-parts partial shows it, escaped, for the page’s helpers', async () => {
    const c = earned('KES', 1_200_000, [{ kind: 'sales', rule: 'training', bp: 2000 }]);
    // As the entry makes the pages: the commissions lend them their explanation.
    const h = new Pages({ csrfToken: () => '', sendPage: () => undefined }, 'english', (tr) => ({ explain: (x: ExplainedCommission) => explainCommission(x, tr) })).helpers();
    const html = await ejs.renderFile(path.resolve(__dirname, '../templates/partials/commission-parts.ejs'), { c, h });
    expect(plain(html.trim())).to.equal('20 % sales on KES 12,000.00 = KES 2,400.00');
    const rejected = { ...c, status: 'rejected', reason: '<b>refused</b>' };
    expect((await ejs.renderFile(path.resolve(__dirname, '../templates/partials/commission-parts.ejs'), { c: rejected, h })).trim()).to.equal('&lt;b&gt;refused&lt;/b&gt;');
  });
});
