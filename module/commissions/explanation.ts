import { formatMoney, formatRate, minor } from '../money/amount';
import { currency } from '../money/currencies';
import type { Translate } from '../i18n/lang';
import type { ViewHelpers } from '../http/render';
import type { Commission } from './commission-row';
import type { RatePart } from './engine';

/** How the reader writes numbers: a page's helpers (`h`) have all three. */
export type NumberFormats = Pick<ViewHelpers, 'locale' | 'money' | 'rate'>;

export type ExplainedCommission = Pick<Commission, 'parts' | 'base' | 'amount' | 'currency' | 'role' | 'status' | 'reason'>;

/**
 * Why a commission is what it is, in the reader's words and locale: "20 % sales + 40 % advanced
 * technical + 3 % target bonus on KES 12,000.00 = KES 7,560.00". Each rate part is named by its
 * kind (with the technician's certification, and the level multiplier when one applied), a fixed
 * part by its amount; a converted line shows what was invoiced and at which rate. A rejected
 * line has no parts: its reason is the explanation. The numbers are written by the reader's
 * helpers (`h`: money, rates, locale: "1 000,00 ₽", "30 %", "1,0845" in Russian), or, given only
 * a locale, with ISO codes and the house's rates ("12 000,00 KES").
 */
export function explainCommission(c: ExplainedCommission, t: Translate, numbers: string | NumberFormats = 'en'): string {
  if (c.status === 'rejected') return c.reason ?? '';
  const h: NumberFormats =
    typeof numbers === 'string' ? { locale: numbers, money: (amount, cur) => formatMoney(minor(amount), currency(cur), numbers, 'code'), rate: (bp) => formatRate(bp) } : numbers;
  const money = (amount: number, cur: string) => h.money(amount, cur);
  const rateOf = (bp: number) => h.rate(bp);
  // The stored rate is a decimal string ("1.0845"): only its decimal sign is the locale's.
  const fxRate = (rate: string) => (h.locale === 'en' ? rate : rate.replace('.', (0.5).toLocaleString(h.locale).charAt(1)));
  const part = (p: RatePart): string => {
    if (p.fixedMinor !== undefined) return t(c.role === 'manual' ? 'commission.part.manual' : 'commission.part.fixed', { amount: money(p.fixedMinor, c.currency) });
    const bp = rateOf(p.bp ?? 0);
    const rate = p.multiplierBp !== undefined && p.multiplierBp !== 10_000 ? t('commission.at_level', { rate: bp, multiplier: rateOf(p.multiplierBp) }) : bp;
    return t(p.certification ? `commission.part.${p.kind}.${p.certification}` : `commission.part.${p.kind}`, { rate });
  };
  const [first = '', ...rest] = c.parts.filter((p) => p.kind !== 'fx').map(part);
  const said = rest.reduce((parts, next) => t('commission.plus', { parts, part: next }), first);
  let explanation = said;
  if (c.base > 0) {
    const fx = c.parts.find((p) => p.kind === 'fx')?.fx;
    const base = money(c.base, c.currency);
    explanation = t('commission.on', { parts: said, base: fx ? t('commission.converted', { base, original: money(fx.originalMinor, fx.from), rate: fxRate(fx.rate) }) : base });
  }
  return t('commission.equals', { explanation, amount: money(c.amount, c.currency) });
}
