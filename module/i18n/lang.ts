import english from '../../lang/english';
import type { LangFile } from '../../lang/lang-file';

const LANGUAGES: Record<string, LangFile> = { english };

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * `t('affiliate.clicks', { n: 3 })` picks the plural form for n in the language's own rules
 * (Russian has one/few/many) and fills {placeholders}. A missing key shows the key itself, so a
 * gap is visible rather than blank.
 */
export function translator(language: string): Translate {
  const lang = LANGUAGES[language] ?? english;
  const plurals = new Intl.PluralRules(lang.locale);
  return (key, vars = {}) => {
    const entry = lang.strings[key] ?? english.strings[key];
    if (entry === undefined) return key;
    const text = typeof entry === 'string' ? entry : (entry[plurals.select(Number(vars.n ?? 0))] ?? entry.other);
    return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
  };
}

export function languages(): string[] {
  return Object.keys(LANGUAGES);
}
