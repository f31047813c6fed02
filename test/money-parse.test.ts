import { expect } from 'chai';
import { parseAmount } from '../module/money/amount';
import { currency } from '../module/money/currencies';

const USD = currency('USD');
const RUB = currency('RUB');
const KWD = currency('KWD');
const EUR = currency('EUR');

describe('money: parsing an amount typed in the reader’s locale', () => {
  it('reads the locale’s own marks: 1,000.50 in English, 1 000,50 in Russian (any space groups)', () => {
    expect(parseAmount('1,000.50', USD, 'en')).to.equal(100_050);
    expect(parseAmount('1,234,567.89', USD)).to.equal(123_456_789);
    expect(parseAmount('1 000,50', RUB, 'ru')).to.equal(100_050);
    expect(parseAmount('1\u00a0000,50', RUB, 'ru')).to.equal(100_050);
    expect(parseAmount('1\u202f000\u202f000', RUB, 'ru')).to.equal(100_000_000);
    expect(parseAmount('1.000,5', EUR, 'de')).to.equal(100_050);
  });

  it('reads the plain form a pre-filled field holds (1000.50) in every locale', () => {
    expect(parseAmount('1000.50', RUB, 'ru')).to.equal(100_050);
    expect(parseAmount('1000.50', EUR, 'de')).to.equal(100_050);
    expect(parseAmount(' -12.5 ', USD)).to.equal(-1250);
  });

  it('refuses 1,000 in KWD, which has 3 decimals: 1000 dinars to one reader, 1 dinar to another', () => {
    expect(() => parseAmount('1,000', KWD, 'en')).to.throw(RangeError, 'KWD has 3 decimal places, so "1,000" could be either amount: write 1000 or 1.000');
    expect(() => parseAmount('12,345', KWD, 'en')).to.throw(RangeError, 'write 12345 or 12.345');
    expect(() => parseAmount('1.000', KWD, 'ru')).to.throw(RangeError, 'write 1000 or 1,000');
    expect(() => parseAmount('1.000', KWD, 'de')).to.throw(RangeError, 'write 1000 or 1,000');
  });

  it('reads KWD without doubt where the marks leave none: 1.000 in English, 1,000 in Russian, 1,000.000, 1,000,000', () => {
    expect(parseAmount('1.000', KWD, 'en')).to.equal(1000);
    expect(parseAmount('1,000', KWD, 'ru')).to.equal(1000);
    expect(parseAmount('1,000.000', KWD, 'en')).to.equal(1_000_000);
    expect(parseAmount('1,000,000', KWD, 'en')).to.equal(1_000_000_000);
    // In USD, with 2 decimals, 1,000 cannot be one dollar.
    expect(parseAmount('1,000', USD, 'en')).to.equal(100_000);
  });

  it('refuses groups that are not threes and marks in the wrong order, saying so', () => {
    expect(() => parseAmount('50,5', USD, 'en')).to.throw(RangeError, '"," groups digits in threes (1,000,000); the decimal mark is "."');
    expect(() => parseAmount('1,00,000', USD, 'en')).to.throw(RangeError, 'groups digits in threes');
    expect(() => parseAmount('1,0000', USD, 'en')).to.throw(RangeError, 'groups digits in threes');
    expect(() => parseAmount('1.000,50', USD, 'en')).to.throw(RangeError, 'the decimal mark "." must come after the group separators ","');
    expect(() => parseAmount('1.000.50', USD, 'en')).to.throw(RangeError, '"." can appear only once');
  });

  it('refuses too many decimals in any locale, and text that is not an amount', () => {
    expect(() => parseAmount('50.001', USD, 'en')).to.throw(RangeError, 'USD has 2 decimal places at most');
    expect(() => parseAmount('50,001', RUB, 'ru')).to.throw(RangeError, 'RUB has 2 decimal places at most');
    expect(() => parseAmount('50.001', RUB, 'ru')).to.throw(RangeError, 'RUB has 2 decimal places at most');
    for (const bad of ['', ' ', 'abc', '1e3', '--1', '1 000', '.5', '1.', '$5', '5 USD']) expect(() => parseAmount(bad, USD, 'en'), JSON.stringify(bad)).to.throw(RangeError, 'not a valid amount');
  });

  it('refuses what does not fit a safe integer of minor units', () => {
    expect(() => parseAmount('90,071,992,547,409.92', USD)).to.throw(RangeError, /out of range/);
  });
});
