import { LRUCache } from 'lru-cache';
import { type CurrencyCode, exponentOf } from './currencies';
import { type Minor, minor } from './minor';
import { translator, type Translate } from '../i18n/lang';

interface Marks {
  decimal: string;
  /** The locale's group separator; any space stands for a locale that groups with a space. */
  group: string;
}

const SPACE = /\s/;
const marks = new LRUCache<string, Marks>({ max: 100 });

function marksOf(locale: string): Marks {
  let m = marks.get(locale);
  if (!m) {
    const parts = new Intl.NumberFormat(locale).formatToParts(1_000_000.5);
    const group = parts.find((p) => p.type === 'group')?.value ?? '';
    m = { decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.', group: SPACE.test(group) ? ' ' : group };
    marks.set(locale, m);
  }
  return m;
}

/**
 * An amount a person typed that cannot be read: a RangeError (its `message` English, for logs),
 * carrying the lang key and values of why, so that a form tells it in the reader's language.
 */
export class AmountError extends RangeError {
  constructor(
    readonly key: string,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(translator('english')(key, vars));
    this.name = 'AmountError';
  }

  /** Why, in the reader's language. */
  text(t: Translate): string {
    return t(this.key, this.vars);
  }
}

/** Why a reading of the text failed; the more specific failure is the one a person is told. */
class Refusal {
  constructor(
    readonly key: string,
    readonly vars: Record<string, string | number>,
    readonly rank: number,
  ) {}
}

const INVALID = new Refusal('amount.error.invalid', {}, 0);

/** The text as whole digits and decimals, with `decimal` as the decimal mark and `group` (if any) grouping in threes. */
function read(body: string, decimal: string, group: string | null, cur: CurrencyCode): bigint | Refusal {
  const exp = exponentOf(cur);
  const [whole = '', frac, ...more] = body.split(decimal);
  if (more.length) return new Refusal('amount.error.decimal_twice', { decimal }, 1);
  if (frac !== undefined && !/^\d+$/.test(frac)) {
    return group && frac.includes(group) ? new Refusal('amount.error.decimal_before_group', { decimal, group }, 2) : INVALID;
  }
  const [first = '', ...rest] = group ? whole.split(group) : [whole];
  const groups = [first, ...rest];
  if (!groups.every((g) => /^\d+$/.test(g))) return INVALID;
  if (rest.length && !(first.length <= 3 && rest.every((g) => g.length === 3))) {
    return new Refusal('amount.error.groups', { decimal, group: group ?? '' }, 2);
  }
  if ((frac ?? '').length > exp) return new Refusal('amount.error.decimals', { currency: cur, n: exp }, 3);
  return BigInt(groups.join('') + (frac ?? '').padEnd(exp, '0'));
}

/**
 * An amount as a person typed it in `locale`: "1,000.50" in en, "1 000,50" in ru (any space for
 * the locale's U+00A0 or U+202F), and everywhere the plain "1000.50" that pre-filled fields hold.
 * Refused with an AmountError (a RangeError) saying why: too many decimals, groups not of three, a decimal mark
 * before a group separator, and input with two readings: with 3 decimals (KWD) "1,000" is
 * 1000 dinars to one reader and 1 dinar to another, so it must be written 1000 or 1.000.
 */
export function parseAmount(text: string, cur: CurrencyCode, locale = 'en'): Minor {
  const { decimal, group } = marksOf(locale);
  const m = /^([-\u2212]?)(\S(?:.*\S)?)$/.exec(text.trim().replace(/\s/g, ' '));
  if (!m) throw new AmountError(INVALID.key);
  const [, sign, body] = m;
  if (body === undefined) throw new Error('the amount pattern always captures a body: it must have changed');
  const lone = /^(\d{1,3})([.,])(\d{3})$/.exec(body);
  if (lone && lone[2] !== decimal && exponentOf(cur) >= 3) {
    throw new AmountError('amount.error.ambiguous', { currency: cur, n: exponentOf(cur), text: body, plain: `${lone[1]}${lone[3]}`, decimal: `${lone[1]}${decimal}${lone[3]}` });
  }
  let value = read(body, decimal, group || null, cur);
  // The plain form pre-filled fields hold (toDecimalString: "1000.50") is read in every locale.
  if (value instanceof Refusal && decimal !== '.' && /^\d+\.\d+$/.test(body)) {
    const other = read(body, '.', null, cur);
    if (!(other instanceof Refusal) || other.rank > value.rank) value = other;
  }
  if (value instanceof Refusal) throw new AmountError(value.key, value.vars);
  return minor(sign ? -value : value);
}
