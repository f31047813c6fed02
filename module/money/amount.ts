import { type CurrencyCode, exponentOf } from './currencies';

/**
 * Money is always an integer count of the currency's minor unit (cents, kopecks…), held in a JS
 * number only while it is a safe integer. Rates are integer basis points (1 % = 100 bp).
 *
 * The one rounding rule: a commission is rounded once, per commission line, half away from zero,
 * to the minor unit, and the arithmetic before it is done in BigInt so that no float ever holds
 * an amount.
 */
export type Minor = number & { readonly __minor: unique symbol };

export const ZERO = 0 as Minor;

export function minor(value: unknown): Minor {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = Number(value.trim());
  else if (value === null || value === undefined) n = 0;
  else throw new TypeError(`not an amount in minor units: ${String(value)}`);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount out of range or not whole: ${String(value)}`);
  return n as Minor;
}

export function add(a: Minor, b: Minor): Minor {
  return minor(a + b);
}

export function sub(a: Minor, b: Minor): Minor {
  return minor(a - b);
}

export function neg(a: Minor): Minor {
  return minor(a === 0 ? 0 : -a);
}

/** `bp` basis points of `base`, rounded half away from zero. */
export function percentOf(base: Minor, bp: number): Minor {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`rate must be whole basis points: ${bp}`);
  const product = BigInt(base) * BigInt(bp);
  const sign = product < 0n ? -1n : 1n;
  const abs = product * sign;
  const rounded = (abs + 5000n) / 10000n;
  return minor(rounded * sign);
}

/** Exact share `num/den` of an amount, same rounding rule; used for partial refunds. */
export function share(amount: Minor, num: Minor, den: Minor): Minor {
  if (den === 0) throw new RangeError('share of zero');
  const product = BigInt(amount) * BigInt(num);
  const d = BigInt(den);
  const sign = (product < 0n) !== (d < 0n) ? -1n : 1n;
  const absP = product < 0n ? -product : product;
  const absD = d < 0n ? -d : d;
  return minor(((absP * 2n + absD) / (absD * 2n)) * sign);
}

const DECIMAL = /^(-)?(\d{1,15})(?:[.,](\d+))?$/;

/** Parse a decimal string typed by a person ("1,000.50" is refused; "1000.50" is not). */
export function parseAmount(text: string, cur: CurrencyCode): Minor {
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError('not a valid amount');
  const exp = exponentOf(cur);
  const frac = m[3] ?? '';
  if (frac.length > exp) throw new RangeError(`${cur} has ${exp} decimal places at most`);
  const digits = (m[2] ?? '0') + frac.padEnd(exp, '0');
  return minor((m[1] ? '-' : '') + BigInt(digits).toString());
}

/** "KES 7,560.00": the code, grouped whole units, then exactly the currency's decimals. */
export function formatAmount(amount: Minor, cur: CurrencyCode): string {
  const exp = exponentOf(cur);
  const negative = amount < 0;
  const digits = BigInt(negative ? -amount : amount).toString().padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = digits.slice(digits.length - exp);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${cur} ${grouped}${exp ? '.' + frac : ''}`;
}

/** The plain decimal form used to pre-fill an amount field ("1000.50"). */
export function toDecimalString(amount: Minor, cur: CurrencyCode): string {
  return formatAmount(amount, cur).replace(/^-?[A-Z]{3} /, amount < 0 ? '-' : '').replace(/,/g, '');
}

export function formatRate(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = Math.abs(bp % 100);
  return `${whole}${frac ? '.' + String(frac).padStart(2, '0').replace(/0$/, '') : ''} %`;
}

const RATE = /^(\d{1,12})(?:\.(\d{1,12}))?$/;

/**
 * An amount in another currency at an exchange rate written as a decimal string ("1.0845" units
 * of `to` per unit of `from`), exactly, then rounded once by the same rule.
 */
export function convert(amount: Minor, from: CurrencyCode, to: CurrencyCode, rate: string): Minor {
  const m = RATE.exec(rate.trim());
  if (!m) throw new RangeError(`not an exchange rate: ${rate}`);
  const frac = m[2] ?? '';
  const num = BigInt((m[1] ?? '0') + frac) * 10n ** BigInt(exponentOf(to));
  const den = 10n ** BigInt(frac.length) * 10n ** BigInt(exponentOf(from));
  const product = BigInt(amount) * num;
  const sign = product < 0n ? -1n : 1n;
  return minor((((product * sign) * 2n + den) / (den * 2n)) * sign);
}
