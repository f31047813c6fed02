import path from 'node:path';
import ejs from 'ejs';
import { DateTime } from 'luxon';
import { formatMoney, formatRate, minor, type Minor, toDecimalString } from '../money/amount';
import { currency } from '../money/currencies';
import { langFile, translator, type Translate } from '../i18n/lang';

const TEMPLATES = path.resolve(__dirname, '../../templates');

export interface ViewHelpers {
  t: Translate;
  /** The language the page is in ("russian"), and its BCP 47 locale ("ru"). */
  language: string;
  locale: string;
  money(amount: Minor | number, cur: string): string;
  decimal(amount: Minor | number, cur: string): string;
  rate(bp: number): string;
  date(ms: number | null, zone?: string): string;
  dateTime(ms: number, zone?: string): string;
  time(ms: number | null, zone?: string): string;
  /** The month an instant falls in, in a zone: "March 2026", "март 2026", "Machi 2026". */
  month(ms: number, zone?: string): string;
  csrf: string;
}

/** Rates in a locale's own percent form ("5 %" in ru, "5%" in sw), to two decimals at most. */
const percents = new Map<string, Intl.NumberFormat>();
function percentIn(locale: string): (bp: number) => string {
  let nf = percents.get(locale);
  if (!nf) {
    nf = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
    percents.set(locale, nf);
  }
  const format = nf;
  // Basis points are whole numbers; ÷ 10,000 is exact to the two decimals shown.
  return (bp) => format.format(bp / 10_000);
}

/**
 * The helpers every template gets as `h`, in the reader's language: its words, money in its
 * locale ("KES 7,560.00" in English, "1 000,00 ₽" in Russian, "Ksh 7,560.00" in Swahili), dates
 * in the program's time zone as the language writes them (ISO in English).
 */
export function viewHelpers(language: string, csrf: string): ViewHelpers {
  const lang = langFile(language);
  const { locale } = lang;
  const iso = lang.dates === 'iso';
  const at = (ms: number, zone: string) => DateTime.fromMillis(ms, { zone }).setLocale(locale);
  const date = (ms: number, zone: string) => (iso ? at(ms, zone).toFormat('yyyy-LL-dd') : at(ms, zone).toLocaleString(DateTime.DATE_MED));
  const dateTime = (ms: number, zone: string) => (iso ? at(ms, zone).toFormat('yyyy-LL-dd HH:mm:ss') : at(ms, zone).toLocaleString(DateTime.DATETIME_MED_WITH_SECONDS));
  return {
    t: translator(language),
    language,
    locale,
    money: (amount, cur) => formatMoney(minor(amount), currency(cur), locale, lang.currencyDisplay),
    decimal: (amount, cur) => toDecimalString(minor(amount), currency(cur)),
    // English keeps the house's "5 %"; other languages write percent as their locale does.
    rate: locale === 'en' ? formatRate : percentIn(locale),
    date: (ms, zone = 'UTC') => (ms === null ? '' : date(ms, zone)),
    dateTime: (ms, zone = 'UTC') => dateTime(ms, zone),
    time: (ms, zone = 'UTC') => (ms === null ? '' : dateTime(ms, zone)),
    // LLLL is the month's name standing alone (Russian nominative: "март", not "марта").
    month: (ms, zone = 'UTC') => at(ms, zone).toFormat('LLLL yyyy'),
    csrf,
  };
}

/** Renders templates/<name>.ejs; templates escape every value with <%= %>. */
export function render(name: string, data: Record<string, unknown>): Promise<string> {
  return ejs.renderFile(path.join(TEMPLATES, `${name}.ejs`), data, { cache: true, async: false });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
