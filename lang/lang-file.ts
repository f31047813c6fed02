/**
 * The shape of a language file: lang/<language>.ts, named as WHMCS names its languages
 * ("english", "russian", "swahili"). Adding a language is adding one such file: module/i18n/lang.ts
 * finds it; test/i18n-messages.test.ts then holds it to English's keys.
 */
export interface LangFile {
  /** The BCP 47 locale its numbers, money and dates are formatted in by Intl ("ru", "sw-KE"). */
  locale: string;
  /** How money names its currency: "KES 7,560.00" (code), "1 000,00 ₽" or "Ksh 7,560.00" (symbol). */
  currencyDisplay: 'symbol' | 'narrowSymbol' | 'code';
  /**
   * Dates as ISO 8601 ("2026-12-01", the same for every English reader) or in the locale's own
   * medium style ("1 дек. 2026 г.").
   */
  dates: 'iso' | 'locale';
  /** Every text, as an ICU message: {name} placeholders, {n, plural, one {…} other {…}}, {x, select, …}. */
  strings: Record<string, string>;
}
