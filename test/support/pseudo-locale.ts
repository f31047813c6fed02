import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { printAST } from '@formatjs/icu-messageformat-parser/printer.js';
import english from '../../lang/english';
import type { LangFile } from '../../lang/lang-file';
import { registerLanguage } from '../../module/i18n/lang';

/** The language name a test asks for: `?language=pseudo`, or an admin whose language is 'pseudo'. */
export const PSEUDO = 'pseudo';

/** Where a pseudo-translated text run begins and ends, so that a page can be read without them. */
export const OPEN = '⟦';
export const CLOSE = '⟧';

/**
 * Every ASCII letter's accented look-alike: readable to a person, and no letter of it is ASCII, so
 * whatever plain English is left on a page did not come through lang/.
 */
const LOOK_ALIKE: Record<string, string> = Object.fromEntries(
  [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c, i) => [c, [...'àƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ'][i] ?? c]),
);

/** "Your balance" → "Ýöûŕ ƀàļàñçé". */
export function accent(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => LOOK_ALIKE[c] ?? c);
}

/**
 * The message with every literal text run accented and wrapped in ⟦…⟧; placeholders, plural and
 * select keywords and their option names stay as they are, so the message formats as English's.
 * A run with no letter (a space between two placeholders, a colon) is left bare.
 */
export function pseudoMessage(message: string): string {
  const walk = (elements: MessageFormatElement[]): MessageFormatElement[] =>
    elements.map((e) => {
      if (e.type === TYPE.literal) return /[A-Za-z]/.test(e.value) ? { ...e, value: `${OPEN}${accent(e.value)}${CLOSE}` } : e;
      if (e.type === TYPE.select || e.type === TYPE.plural) {
        return { ...e, options: Object.fromEntries(Object.entries(e.options).map(([k, o]) => [k, { ...o, value: walk(o.value) }])) };
      }
      if (e.type === TYPE.tag) return { ...e, children: walk(e.children) };
      return e;
    });
  // ignoreTag: as module/i18n/lang.ts formats them, a "<" in a message is a character.
  return printAST(walk(parse(message, { ignoreTag: true })));
}

/** English, every message pseudo-translated; numbers, money and dates formatted as English's. */
export function pseudoLangFile(): LangFile {
  return { ...english, strings: Object.fromEntries(Object.entries(english.strings).map(([k, v]) => [k, pseudoMessage(v)])) };
}

/** Registers the pseudo-locale under 'pseudo' for this process (module/i18n/lang.ts). */
export function registerPseudoLocale(): LangFile {
  const file = pseudoLangFile();
  registerLanguage(PSEUDO, file);
  return file;
}

/** The text with every pseudo-translated run taken out: what is left did not come from lang/. */
export function withoutPseudo(text: string): string {
  return text.replace(new RegExp(`${OPEN}[^${CLOSE}]*${CLOSE}`, 'g'), ' ');
}
