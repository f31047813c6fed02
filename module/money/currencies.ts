import { MINOR_UNITS } from './iso-4217';

// The exponent of every amount comes from ISO 4217 (./iso-4217.ts), never from Intl: CLDR gives
// some currencies fewer display decimals than ISO (IDR 0 against ISO's 2), and a wrong exponent
// would scale every stored amount.

export type CurrencyCode = string & { readonly __currency: unique symbol };

const listed = (code: string): boolean => Object.prototype.hasOwnProperty.call(MINOR_UNITS, code);

export function isCurrency(code: string): code is CurrencyCode {
  return listed(code) && MINOR_UNITS[code] !== null;
}

export function currency(code: string): CurrencyCode {
  if (isCurrency(code)) return code;
  if (listed(code)) throw new RangeError(`"${code}" has no minor unit in ISO 4217 (a metal, fund or test code), so it cannot hold an amount`);
  throw new RangeError(`unknown ISO 4217 currency "${code}"`);
}

export function exponentOf(code: CurrencyCode): number {
  const exponent = MINOR_UNITS[code];
  if (exponent === null || exponent === undefined) throw new Error(`"${code}" passed as a currency without an ISO 4217 minor unit: only currency() makes a CurrencyCode`);
  return exponent;
}
