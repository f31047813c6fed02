import { type MessageFormatElement, parse, TYPE } from '@formatjs/icu-messageformat-parser';
import { expect } from 'chai';
import { IntlMessageFormat } from 'intl-messageformat';
import english from '../lang/english';
import { viewHelpers } from '../module/http/render';
import { formatMessage, langFile, languages, translator } from '../module/i18n/lang';
import { currency } from '../module/money/currencies';
import { parseAmount } from '../module/money/parse';

describe('language files and ICU messages', () => {
  it('every text of every language parses as an ICU message', () => {
    const bad: string[] = [];
    for (const language of languages()) {
      const t = translator(language);
      for (const key of Object.keys(english.strings)) {
        for (const n of [0, 1, 2, 5, 21]) {
          try {
            t(key, { n });
          } catch (e) {
            bad.push(`${language} ${key}: ${(e as Error).message}`);
          }
        }
      }
    }
    expect(bad).to.deep.equal([]);
  });

  it('fills every placeholder a text names (an apostrophe before a brace would quote it away)', () => {
    const unfilled: string[] = [];
    for (const [key, entry] of Object.entries(english.strings)) {
      for (const text of [entry]) {
        const vars = Object.fromEntries([...text.matchAll(/\{\s*(\w+)/g)].map((m) => [m[1] ?? '', 7]));
        const out = formatMessage(text, english.locale, vars);
        if (/[{}]/.test(out)) unfilled.push(`${key}: ${out}`);
      }
    }
    expect(unfilled).to.deep.equal([]);
  });

  it('picks Russian plural forms by the language’s own rules: 1 клик, 3 клика, 5 кликов, 21 клик, 0 кликов', () => {
    const text = '{n, plural, one {# клик} few {# клика} many {# кликов} other {# клика}}';
    expect([1, 3, 5, 21, 0, 11].map((n) => formatMessage(text, 'ru', { n }))).to.deep.equal(['1 клик', '3 клика', '5 кликов', '21 клик', '0 кликов', '11 кликов']);
  });

  it('shows a value the message does not count as given, and a value it counts in the locale’s digits', () => {
    expect(formatMessage('Certificate for {year}', 'en', { year: 2026 })).to.equal('Certificate for 2026');
    expect(formatMessage('{n, plural, one {# click} other {# clicks}}', 'en', { n: 1234 })).to.equal('1,234 clicks');
    expect(formatMessage('{n, plural, one {# клик} few {# клика} many {# кликов} other {# клика}}', 'ru', { n: 1234 })).to.equal('1\u00a0234 клика');
  });

  it('keeps a "<" as a character and an argument not given as written', () => {
    expect(formatMessage('Balance <b>{amount}</b> and {other}', 'en', { amount: 'USD 1.00' })).to.equal('Balance <b>USD 1.00</b> and {other}');
  });

  it('shows a missing key as the key itself', () => {
    expect(translator('english')('no.such.key')).to.equal('no.such.key');
  });
});

/** Every argument a message names, anywhere in it (inside plural and select forms too). */
function argumentNames(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const e of elements) {
    if (e.type === TYPE.pound || e.type === TYPE.literal) continue;
    if (e.type === TYPE.tag) {
      argumentNames(e.children, into);
      continue;
    }
    into.add(e.value);
    if (e.type === TYPE.select || e.type === TYPE.plural) for (const o of Object.values(e.options)) argumentNames(o.value, into);
  }
  return into;
}

/** Every plural block of a message, with the forms it gives ("one few many other"). */
function pluralForms(elements: MessageFormatElement[], into: string[] = []): string[] {
  for (const e of elements) {
    if (e.type === TYPE.plural) into.push(`{${e.value}, plural}: ${Object.keys(e.options).join(' ')}`);
    if (e.type === TYPE.select || e.type === TYPE.plural) for (const o of Object.values(e.options)) pluralForms(o.value, into);
    if (e.type === TYPE.tag) pluralForms(e.children, into);
  }
  return into;
}

/** The forms Russian's cardinal plural rules pick from (CLDR): every block must give each. */
const RUSSIAN_FORMS = ['one', 'few', 'many', 'other'];

describe('every language holds to English (issue #14: parity)', () => {
  for (const language of languages().filter((l) => l !== 'english' && l !== 'pseudo')) {
    describe(language, () => {
      const file = langFile(language);
      const theirs = Object.keys(file.strings);

      it('has every key English has', () => {
        const missing = Object.keys(english.strings).filter((k) => file.strings[k] === undefined);
        expect(missing, `${missing.length} keys of lang/english.ts missing in lang/${language}.ts`).to.deep.equal([]);
      });

      it('has no key English lacks', () => {
        const extra = theirs.filter((k) => english.strings[k] === undefined);
        expect(extra, `${extra.length} keys of lang/${language}.ts that lang/english.ts does not have`).to.deep.equal([]);
      });

      it(`every message parses as ICU in its locale (${file.locale})`, () => {
        const bad: string[] = [];
        for (const [key, text] of Object.entries(file.strings)) {
          try {
            new IntlMessageFormat(text, file.locale, undefined, { ignoreTag: true });
          } catch (e) {
            bad.push(`${key}: ${(e as Error).message}`);
          }
        }
        expect(bad).to.deep.equal([]);
      });

      it('names the same placeholders as English in every message', () => {
        const differ: string[] = [];
        for (const [key, text] of Object.entries(file.strings)) {
          const source = english.strings[key];
          if (source === undefined) continue;
          let own: string[];
          try {
            own = [...argumentNames(parse(text, { ignoreTag: true }))].sort();
          } catch {
            continue; // the parsing test names it
          }
          const want = [...argumentNames(parse(source, { ignoreTag: true }))].sort();
          if (own.join(',') !== want.join(',')) differ.push(`${key}: {${own.join('} {')}} where English has {${want.join('} {')}}`);
        }
        expect(differ).to.deep.equal([]);
      });

      if (language === 'russian') {
        it('gives every plural block the forms one, few, many and other', () => {
          const short: string[] = [];
          for (const [key, text] of Object.entries(file.strings)) {
            let blocks: string[];
            try {
              blocks = pluralForms(parse(text, { ignoreTag: true }));
            } catch {
              continue;
            }
            for (const b of blocks) {
              const forms = b.slice(b.indexOf(':') + 2).split(' ');
              const lacking = RUSSIAN_FORMS.filter((f) => !forms.includes(f));
              if (lacking.length) short.push(`${key} ${b} (lacks ${lacking.join(', ')})`);
            }
          }
          expect(short).to.deep.equal([]);
        });
      }
    });
  }
});

describe('Russian and Swahili as their readers write them (issue #14)', () => {
  it('counts clicks as Russian does, from lang/russian.ts: 1 клик, 2 клика, 5 кликов, 21 клик, 0 кликов', () => {
    const t = translator('russian');
    expect([1, 2, 5, 21, 0].map((n) => t('affiliate.clicks', { n }))).to.deep.equal(['1 клик', '2 клика', '5 кликов', '21 клик', '0 кликов']);
  });

  it('writes money in each locale: 1 000,00 ₽, Ksh 7,560.00, KES 7,560.00 (with Intl’s no-break spaces)', () => {
    const rub = viewHelpers('russian', '').money(100000, 'RUB');
    expect(rub.replace(/[\u00a0\u202f]/g, ' ')).to.equal('1 000,00 ₽');
    // Node's ICU (CLDR 46) groups Russian thousands and parts the sign with U+00A0, not a plain space.
    expect([...rub].filter((c) => !/[\d,₽]/.test(c))).to.deep.equal(['\u00a0', '\u00a0']);
    const kes = viewHelpers('swahili', '').money(756000, 'KES');
    expect(kes.replace(/[\u00a0\u202f]/g, ' ')).to.equal('Ksh 7,560.00');
    expect(kes.charAt(3), 'sw-KE parts the symbol with a no-break space').to.equal('\u00a0');
    const code = viewHelpers('english', '').money(756000, 'KES');
    expect(code.replace(/[\u00a0\u202f]/g, ' ')).to.equal('KES 7,560.00');
    expect(code.charAt(3), 'English parts the code with a no-break space too').to.equal('\u00a0');
  });

  it('writes dates in the reader’s locale and the given time zone; English keeps ISO 8601', () => {
    const at = Date.UTC(2026, 11, 31, 22, 30, 5);
    const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
    // 22:30 UTC on 31 December is already 1 January in Moscow (UTC+3), still 31 December in UTC.
    expect(plain(viewHelpers('russian', '').date(at, 'Europe/Moscow'))).to.equal('1 янв. 2027 г.');
    expect(plain(viewHelpers('russian', '').dateTime(at, 'Europe/Moscow'))).to.equal('1 янв. 2027 г., 01:30:05');
    expect(viewHelpers('swahili', '').date(at, 'UTC')).to.equal('31 Des 2026');
    expect(viewHelpers('swahili', '').dateTime(at, 'Africa/Nairobi')).to.equal('1 Jan 2027, 01:30:05');
    expect(viewHelpers('english', '').date(at, 'Africa/Nairobi')).to.equal('2027-01-01');
  });

  it('reads an amount typed the Russian way: "1 000,50" roubles is 100050 kopecks', () => {
    expect(Number(parseAmount('1 000,50', currency('RUB'), 'ru'))).to.equal(100050);
    // As Intl writes it back, with a no-break space.
    expect(Number(parseAmount('1\u00a0000,50', currency('RUB'), 'ru'))).to.equal(100050);
  });
});
