import path from 'node:path';
import ejs from 'ejs';
import { DateTime } from 'luxon';
import { formatAmount, formatRate, minor, type Minor, toDecimalString } from '../money/amount';
import { currency } from '../money/currencies';
import { translator, type Translate } from '../i18n/lang';

const TEMPLATES = path.resolve(__dirname, '../../templates');

export interface ViewHelpers {
  t: Translate;
  money(amount: Minor | number, cur: string): string;
  decimal(amount: Minor | number, cur: string): string;
  rate(bp: number): string;
  date(ms: number | null, zone?: string): string;
  dateTime(ms: number, zone?: string): string;
  time(ms: number | null, zone?: string): string;
  csrf: string;
}

export function viewHelpers(language: string, csrf: string): ViewHelpers {
  const t = translator(language);
  return {
    t,
    money: (amount, cur) => formatAmount(minor(amount), currency(cur)),
    decimal: (amount, cur) => toDecimalString(minor(amount), currency(cur)),
    rate: formatRate,
    date: (ms, zone = 'UTC') => (ms === null ? '' : DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd')),
    dateTime: (ms, zone = 'UTC') => DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd HH:mm:ss'),
    time: (ms, zone = 'UTC') => (ms === null ? '' : DateTime.fromMillis(ms, { zone }).toFormat('yyyy-LL-dd HH:mm:ss')),
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
