import { IntlMessageFormat } from 'intl-messageformat';
import english from '../../lang/english';
import type { LangFile } from '../../lang/lang-file';

const LANGUAGES: Record<string, LangFile> = { english };

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

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
  const lang = LANGUAGES[language] ?? english;
  const plurals = new Intl.PluralRules(lang.locale);
  return (key, vars = {}) => {
    const own = lang.strings[key];
    const entry = own ?? english.strings[key];
    if (entry === undefined) return key;
    const locale = own === undefined ? english.locale : lang.locale;
    // A plural entry written as one text per category (the older form) picks its text first.
    const text = typeof entry === 'string' ? entry : (entry[plurals.select(Number(vars.n ?? 0))] ?? entry.other);
    return formatMessage(text, locale, vars);
  };
}

/** One ICU message in a locale, as `translator` formats a key's text. */
export function formatMessage(text: string, locale: string, vars: Record<string, string | number> = {}): string {
  const c = compile(text, locale);
  // An argument the caller did not give shows as written, {name}, as a missing key does.
  const values: Record<string, string | number> = Object.fromEntries(c.names.map((name) => [name, `{${name}}`]));
  for (const [name, value] of Object.entries(vars)) values[name] = c.numeric.has(name) ? Number(value) : String(value);
  return String(c.format.format(values));
}

export function languages(): string[] {
  return Object.keys(LANGUAGES);
}

/** The BCP 47 locale a language's numbers and dates are formatted in ("english" → "en"). */
export function localeOf(language: string): string {
  return (LANGUAGES[language] ?? english).locale;
}
