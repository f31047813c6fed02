import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import english from '../../lang/english';
import type { LangFile } from '../../lang/lang-file';
import { formatMoney } from '../money/format';
import { currency } from '../money/currencies';
import { minor } from '../money/minor';

const LANG_DIR = path.resolve(__dirname, '../../lang');

/**
 * Every language of lang/, by its file's name, which is the name WHMCS gives the language
 * ("russian.ts" is "russian"): adding a language is adding its file, as a WHMCS language is. Read
 * once, when the module loads; English, the source of every key, is always there.
 */
function loadLanguages(): Record<string, LangFile> {
  const found: Record<string, LangFile> = { english };
  for (const file of fs.readdirSync(LANG_DIR)) {
    // lang-file.ts (the shape) and anything not named as a language is not one.
    const m = /^([a-z]+)\.(?:ts|js)$/.exec(file);
    if (!m?.[1] || m[1] === 'english') continue;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a language is found by its file, not named in code
    const loaded = (require(path.join(LANG_DIR, file)) as { default?: LangFile }).default;
    if (!loaded?.strings) throw new Error(`lang/${file} does not export a language file (lang/lang-file.ts) as its default`);
    found[m[1]] = loaded;
  }
  return found;
}

const LANGUAGES: Record<string, LangFile> = loadLanguages();

/**
 * An amount a message shows, formatted only when the reader's language is known: a refusal made
 * in a service ("only {amount} is available") reads "USD 12.00" in English, "12,00 $" in Russian.
 */
export interface MoneyValue {
  readonly minor: number;
  readonly currency: string;
}

export function moneyValue(amount: number, cur: string): MoneyValue {
  return { minor: amount, currency: cur };
}

export type MessageValue = string | number | MoneyValue;

export type Translate = (key: string, vars?: Readonly<Record<string, MessageValue>>) => string;

/** The arguments a message formats as numbers (plural, select-ordinal, number): all others are text. */
const NUMERIC_ARGUMENT = /\{\s*(\w+)\s*,\s*(?:plural|selectordinal|number)\b/g;

/** Every argument a message names. */
const ARGUMENT = /\{\s*(\w+)\s*[,}]/g;

interface Compiled {
  format: IntlMessageFormat;
  numeric: ReadonlySet<string>;
  names: readonly string[];
}

/** Messages compiled once per process: every page's helpers share them. */
const compiled = new Map<string, Compiled>();
function compile(text: string, locale: string): Compiled {
  const key = `${locale}\u0000${text}`;
  let c = compiled.get(key);
  if (!c) {
    // ignoreTag: a "<" in a text is a character, not rich-text markup.
    c = {
      format: new IntlMessageFormat(text, locale, undefined, { ignoreTag: true }),
      numeric: new Set([...text.matchAll(NUMERIC_ARGUMENT)].map((m) => m[1] ?? '')),
      names: [...text.matchAll(ARGUMENT)].map((m) => m[1] ?? ''),
    };
    compiled.set(key, c);
  }
  return c;
}

/**
 * `t('affiliate.clicks', { n: 3 })` formats the key's ICU message (intl-messageformat) in the
 * language's locale: plural and select forms by the language's own rules (Russian one / few /
 * many / other), {placeholders} filled. A value that the message does not format as a number is
 * shown as given — a year 2026 stays "2026", an amount already formatted stays as it is. A
 * missing key shows the key itself, so a gap is visible rather than blank.
 */
export function translator(language: string): Translate {
  const lang = langFile(language);
  return (key, vars = {}) => {
    const own = lang.strings[key];
    const text = own ?? english.strings[key];
    if (text === undefined) return key;
    const file = own === undefined ? english : lang;
    return formatMessage(text, file.locale, vars, file.currencyDisplay);
  };
}

/** One ICU message in a locale, as `translator` formats a key's text. */
export function formatMessage(text: string, locale: string, vars: Readonly<Record<string, MessageValue>> = {}, display: LangFile['currencyDisplay'] = 'code'): string {
  const c = compile(text, locale);
  // An argument the caller did not give shows as written, {name}, as a missing key does.
  const values: Record<string, string | number> = Object.fromEntries(c.names.map((name) => [name, `{${name}}`]));
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value === 'object') values[name] = formatMoney(minor(value.minor), currency(value.currency), locale, display);
    else values[name] = c.numeric.has(name) ? Number(value) : String(value);
  }
  return String(c.format.format(values));
}

export function languages(): string[] {
  return Object.keys(LANGUAGES);
}

export function isLanguage(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(LANGUAGES, name);
}

/** A language's file; English for a name no file has. */
export function langFile(language: string): LangFile {
  return LANGUAGES[language] ?? english;
}

/** The BCP 47 locale a language's numbers and dates are formatted in ("english" → "en"). */
export function localeOf(language: string): string {
  return langFile(language).locale;
}

/**
 * A language that exists only while the process runs: the tests' pseudo-locale, which shows any
 * text that bypasses lang/ as plain English among its marked words.
 */
export function registerLanguage(name: string, file: LangFile): void {
  LANGUAGES[name] = file;
}
