import { expect } from 'chai';
import { convert, formatAmount, minor, parseAmount, percentOf, share, toDecimalString } from '../module/money/amount';
import { currency } from '../module/money/currencies';

const USD = currency('USD');
const KES = currency('KES');
const JPY = currency('JPY');
const KWD = currency('KWD');

describe('money: integer minor units', () => {
  it('takes 10 % of USD 123.45 as USD 12.35 (12.345 rounds half away from zero)', () => {
    expect(percentOf(minor(12_345), 1000)).to.equal(1235);
  });

  it('rounds below the half down and negatives away from zero', () => {
    expect(percentOf(minor(12_344), 1000)).to.equal(1234);
    expect(percentOf(minor(-12_345), 1000)).to.equal(-1235);
  });

  it('takes 63 % of KES 12,000.00 as KES 7,560.00', () => {
    expect(formatAmount(percentOf(minor(1_200_000), 6300), KES)).to.equal('KES 7,560.00');
  });

  it('is exact where floating point is not: 15 % of 0.07 and of 2^52 minor units', () => {
    expect(percentOf(minor(7), 1500)).to.equal(1);
    expect(percentOf(minor(2 ** 52), 2500)).to.equal(2 ** 50);
  });

  it('shares an amount in proportion, same rounding', () => {
    expect(share(minor(1001), minor(1), minor(2))).to.equal(501);
    expect(share(minor(1000), minor(1), minor(3))).to.equal(333);
  });

  it('parses what a person types, to the currency exponent', () => {
    expect(parseAmount('50', USD)).to.equal(5000);
    expect(parseAmount('50.5', USD)).to.equal(5050);
    expect(parseAmount('0.07', USD)).to.equal(7);
    expect(parseAmount('1000', JPY)).to.equal(1000);
    expect(parseAmount('1.234', KWD)).to.equal(1234);
  });

  it('refuses too many decimals, grouping, words and empty input', () => {
    for (const bad of ['50.001', '1,000.00', 'abc', '', '1e3', '--1']) expect(() => parseAmount(bad, USD), bad).to.throw(RangeError);
    expect(() => parseAmount('1.5', JPY)).to.throw(/0 decimal places/);
  });

  it('formats with the code, grouping and exactly the currency decimals', () => {
    expect(formatAmount(minor(123_456_789), USD)).to.equal('USD 1,234,567.89');
    expect(formatAmount(minor(5), USD)).to.equal('USD 0.05');
    expect(formatAmount(minor(-5), USD)).to.equal('-USD 0.05');
    expect(formatAmount(minor(1000), JPY)).to.equal('JPY 1,000');
    expect(toDecimalString(minor(123_456), USD)).to.equal('1234.56');
  });

  it('converts exactly at a decimal rate, across exponents, rounding once', () => {
    expect(convert(minor(30_000), currency('EUR'), USD, '1.0845')).to.equal(32_535);
    expect(convert(minor(100), USD, JPY, '151.237')).to.equal(151);
    expect(convert(minor(1_000), JPY, USD, '0.00661')).to.equal(661);
    expect(convert(minor(1), USD, KWD, '0.3075')).to.equal(3);
    expect(() => convert(minor(1), USD, KES, '1e3')).to.throw(/not an exchange rate/);
  });

  it('refuses an unknown currency and amounts that are not whole minor units', () => {
    expect(() => currency('XXX')).to.throw(/unknown ISO 4217/);
    expect(() => minor(1.5)).to.throw(RangeError);
    expect(() => minor(2 ** 53)).to.throw(RangeError);
    expect(minor('42')).to.equal(42);
  });
});
