import { LRUCache } from 'lru-cache';
import { type CurrencyCode, exponentOf } from './currencies';
import type { Minor } from './minor';

/** How the currency is shown: "$" or "₽" (symbol), "$" for CAD too (narrowSymbol), "USD" (code). */
export type CurrencyDisplay = 'symbol' | 'narrowSymbol' | 'code';

// Building an Intl.NumberFormat costs far more than using one; pages format hundreds of amounts.
const formats = new LRUCache<string, Intl.NumberFormat>({ max: 500 });

function cached(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let nf = formats.get(key);
  if (!nf) {
    nf = make();
    formats.set(key, nf);
  }
  return nf;
}

function currencyFormat(locale: string, cur: CurrencyCode, display: CurrencyDisplay): Intl.NumberFormat {
  const digits = exponentOf(cur);
  return cached(
    `${locale}|${cur}|${display}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency: cur, currencyDisplay: display, minimumFractionDigits: digits, maximumFractionDigits: digits }),
  );
}

/** The minor units as the locale writes digits, zero-padded to the exponent ("05", "٠٥"). */
function fractionFormat(locale: string, digits: number): Intl.NumberFormat {
  return cached(`${locale}|fraction|${digits}`, () => new Intl.NumberFormat(locale, { minimumIntegerDigits: digits, useGrouping: false }));
}

/**
 * An amount as `locale` writes it, with exactly the currency's ISO 4217 decimals: "KES 7,560.00"
 * (en, code), "1 000,00 ₽" (ru), "Ksh 7,560.00" (sw-KE). Intl only ever sees BigInts: the whole
 * units, grouped by the locale, and the minor units, put in place of Intl's zero fraction: a float
 * of the major units would lose the last fils of KWD 9,007,199,254,740.991. Intl's own spaces
 * (U+00A0, U+202F) are kept.
 */
export function formatMoney(amount: Minor, cur: CurrencyCode, locale = 'en', display: CurrencyDisplay = 'symbol'): string {
  const exp = exponentOf(cur);
  const scale = 10n ** BigInt(exp);
  const value = BigInt(amount);
  const abs = value < 0n ? -value : value;
  const whole = abs / scale;
  // Below one whole unit a negative amount has a whole part of 0n, which has no sign; -0 has.
  const signed = amount >= 0 ? whole : whole === 0n ? -0 : -whole;
  const fraction = exp ? fractionFormat(locale, exp).format(abs % scale) : '';
  return currencyFormat(locale, cur, display)
    .formatToParts(signed)
    .map((p) => (p.type === 'fraction' ? fraction : p.value))
    .join('');
}

/** "KES 7,560.00": the English form with the ISO code, used wherever no reader's locale is known. */
export function formatAmount(amount: Minor, cur: CurrencyCode): string {
  return formatMoney(amount, cur, 'en', 'code');
}

/** The plain decimal form used to pre-fill an amount field ("1000.50"), read back by parseAmount. */
export function toDecimalString(amount: Minor, cur: CurrencyCode): string {
  const exp = exponentOf(cur);
  const scale = 10n ** BigInt(exp);
  const value = BigInt(amount);
  const abs = value < 0n ? -value : value;
  const fraction = exp ? '.' + (abs % scale).toString().padStart(exp, '0') : '';
  return `${amount < 0 ? '-' : ''}${abs / scale}${fraction}`;
}

export function formatRate(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = Math.abs(bp % 100);
  return `${whole}${frac ? '.' + String(frac).padStart(2, '0').replace(/0$/, '') : ''} %`;
}
