import { expect } from 'chai';
import english from '../lang/english';
import { formatMessage, languages, translator } from '../module/i18n/lang';

describe('language files and ICU messages', () => {
  it('every text of every language parses as an ICU message', () => {
    const bad: string[] = [];
    for (const language of languages()) {
      const t = translator(language);
      for (const [key, entry] of Object.entries(english.strings)) {
        for (const n of typeof entry === 'string' ? [0] : [0, 1, 2, 5, 21]) {
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
      for (const text of typeof entry === 'string' ? [entry] : Object.values(entry)) {
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
