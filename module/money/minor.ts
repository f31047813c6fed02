/**
 * Money is always an integer count of the currency's minor unit (cents, kopecks…), held in a JS
 * number only while it is a safe integer. Rates are integer basis points (1 % = 100 bp).
 */
export type Minor = number & { readonly __minor: unique symbol };

export const ZERO = minor(0);

export function minor(value: unknown): Minor {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = Number(value.trim());
  else if (value === null || value === undefined) n = 0;
  else throw new TypeError(`not an amount in minor units (${typeof value})`);
  if (!Number.isSafeInteger(n)) throw new RangeError(`amount out of range or not whole: ${String(value)}`);
  // The one place a number becomes an amount: every Minor has passed the checks above.
  return n as Minor;
}

export function add(a: Minor, b: Minor): Minor {
  return minor(a + b);
}

export function sub(a: Minor, b: Minor): Minor {
  return minor(a - b);
}

export function neg(a: Minor): Minor {
  // Subtracted from 0, not negated: -0 is not an amount a ledger should hold.
  return minor(0 - a);
}
