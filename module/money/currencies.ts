// ISO 4217 minor-unit exponents for the currencies the seed programs and their markets use.
// A currency not listed here is refused rather than guessed: a wrong exponent would scale every amount.
const EXPONENTS: Readonly<Record<string, number>> = {
  USD: 2, EUR: 2, GBP: 2, CHF: 2, CAD: 2, AUD: 2, NZD: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2,
  RUB: 2, UAH: 2, KZT: 2, BYN: 3,
  KES: 2, UGX: 0, TZS: 2, RWF: 0, NGN: 2, ZAR: 2, GHS: 2, ETB: 2, EGP: 2, MAD: 2,
  INR: 2, CNY: 2, HKD: 2, SGD: 2, JPY: 0, KRW: 0, IDR: 2, MYR: 2, THB: 2, VND: 0, PHP: 2,
  BRL: 2, MXN: 2, ARS: 2, CLP: 0, TRY: 2, AED: 2, SAR: 2, ILS: 2, KWD: 3, BHD: 3, OMR: 3, JOD: 3,
};

export type CurrencyCode = string & { readonly __currency: unique symbol };

export function isCurrency(code: string): code is CurrencyCode {
  return Object.prototype.hasOwnProperty.call(EXPONENTS, code);
}

export function currency(code: string): CurrencyCode {
  if (!isCurrency(code)) throw new RangeError(`unknown ISO 4217 currency "${code}"`);
  return code;
}

export function exponentOf(code: CurrencyCode): number {
  return EXPONENTS[code] as number;
}

export function knownCurrencies(): string[] {
  return Object.keys(EXPONENTS);
}
