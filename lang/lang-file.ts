/** A plural entry: one text per Intl.PluralRules category the language uses; `other` always. */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** The shape of a language file: lang/<language>.ts, named as WHMCS names its languages. */
export interface LangFile {
  locale: string;
  strings: Record<string, string | PluralForms>;
}
