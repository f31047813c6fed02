import { type CurrencyCode, exponentOf } from './currencies';
import { type Minor, minor } from './minor';
import { roundHalfAwayFromZero } from './rounding';

// The money module's front door: callers import amounts, arithmetic, parsing and formatting here.
export { type Minor, ZERO, add, minor, neg, sub } from './minor';
export { formatAmount, formatMoney, formatRate, toDecimalString } from './format';
export { parseAmount } from './parse';
export { roundHalfAwayFromZero } from './rounding';

/** `bp` basis points of `base`, rounded half away from zero. */
export function percentOf(base: Minor, bp: number): Minor {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`rate must be whole basis points: ${bp}`);
  return minor(roundHalfAwayFromZero(BigInt(base) * BigInt(bp), 10_000n));
}

/** Exact share `num/den` of an amount, same rounding rule; used for partial refunds. */
export function share(amount: Minor, num: Minor, den: Minor): Minor {
  if (den === 0) throw new RangeError('share of zero');
  return minor(roundHalfAwayFromZero(BigInt(amount) * BigInt(num), BigInt(den)));
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
  return minor(roundHalfAwayFromZero(BigInt(amount) * num, den));
}
