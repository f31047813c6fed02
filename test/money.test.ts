import { expect } from 'chai';
import { convert, formatAmount, minor, parseAmount, percentOf, roundHalfAwayFromZero, share, toDecimalString } from '../module/money/amount';
import { amountOf } from '../module/commissions/engine';
import { currency } from '../module/money/currencies';

const USD = currency('USD');
const KES = currency('KES');
const JPY = currency('JPY');
const KWD = currency('KWD');
/** Intl's space between the currency code and the digits. */
const NBSP = '\u00a0';

describe('money: integer minor units', () => {
  it('takes 10 % of USD 123.45 as USD 12.35 (12.345 rounds half away from zero)', () => {
    expect(percentOf(minor(12_345), 1000)).to.equal(1235);
  });

  it('rounds below the half down and negatives away from zero', () => {
    expect(percentOf(minor(12_344), 1000)).to.equal(1234);
    expect(percentOf(minor(-12_345), 1000)).to.equal(-1235);
  });

  it('takes 63 % of KES 12,000.00 as KES 7,560.00', () => {
    expect(formatAmount(percentOf(minor(1_200_000), 6300), KES)).to.equal(`KES${NBSP}7,560.00`);
  });

  it('is exact where floating point is not: 15 % of 0.07 and of 2^52 minor units', () => {
    expect(percentOf(minor(7), 1500)).to.equal(1);
    expect(percentOf(minor(2 ** 52), 2500)).to.equal(2 ** 50);
  });

  it('shares an amount in proportion, same rounding', () => {
    expect(share(minor(1001), minor(1), minor(2))).to.equal(501);
    expect(share(minor(1000), minor(1), minor(3))).to.equal(333);
    expect(share(minor(-1001), minor(1), minor(2))).to.equal(-501);
  });

  it('parses what a person types, to the currency exponent', () => {
    expect(parseAmount('50', USD)).to.equal(5000);
    expect(parseAmount('50.5', USD)).to.equal(5050);
    expect(parseAmount('0.07', USD)).to.equal(7);
    expect(parseAmount('1000', JPY)).to.equal(1000);
    expect(parseAmount('1.234', KWD)).to.equal(1234);
    expect(parseAmount('1,000.00', USD)).to.equal(100_000);
  });

  it('refuses too many decimals, bad grouping, words and empty input', () => {
    for (const bad of ['50.001', '1,00.00', 'abc', '', '1e3', '--1']) expect(() => parseAmount(bad, USD), bad).to.throw(RangeError);
    expect(() => parseAmount('1.5', JPY)).to.throw(/0 decimal places/);
  });

  it('formats with the code, grouping and exactly the currency decimals', () => {
    expect(formatAmount(minor(123_456_789), USD)).to.equal(`USD${NBSP}1,234,567.89`);
    expect(formatAmount(minor(5), USD)).to.equal(`USD${NBSP}0.05`);
    expect(formatAmount(minor(-5), USD)).to.equal(`-USD${NBSP}0.05`);
    expect(formatAmount(minor(1000), JPY)).to.equal(`JPY${NBSP}1,000`);
    expect(formatAmount(minor(12_345), KWD)).to.equal(`KWD${NBSP}12.345`);
  });

  it('writes the plain decimal a form field is pre-filled with, which parses back to the same amount', () => {
    expect(toDecimalString(minor(123_456), USD)).to.equal('1234.56');
    expect(toDecimalString(minor(-5), USD)).to.equal('-0.05');
    expect(toDecimalString(minor(1000), JPY)).to.equal('1000');
    expect(toDecimalString(minor(1), KWD)).to.equal('0.001');
    for (const [amount, cur] of [
      [123_456, USD],
      [-5, USD],
      [1000, JPY],
      [1, KWD],
    ] as const)
      expect(parseAmount(toDecimalString(minor(amount), cur), cur)).to.equal(amount);
  });

  it('converts exactly at a decimal rate, across exponents, rounding once', () => {
    expect(convert(minor(30_000), currency('EUR'), USD, '1.0845')).to.equal(32_535);
    expect(convert(minor(100), USD, JPY, '151.237')).to.equal(151);
    expect(convert(minor(1_000), JPY, USD, '0.00661')).to.equal(661);
    expect(convert(minor(1), USD, KWD, '0.3075')).to.equal(3);
    expect(convert(minor(-150), USD, JPY, '1')).to.equal(-2);
    expect(() => convert(minor(1), USD, KES, '1e3')).to.throw(/not an exchange rate/);
  });

  it('refuses amounts that are not whole minor units', () => {
    expect(() => minor(1.5)).to.throw(RangeError);
    expect(() => minor(2 ** 53)).to.throw(RangeError);
    expect(minor('42')).to.equal(42);
  });
});

describe('money: one rounding, half away from zero', () => {
  it('rounds an exact fraction to the nearest whole, halves away from zero, whatever the signs', () => {
    const cases: [bigint, bigint, bigint][] = [
      [5n, 2n, 3n], // 2.5
      [-5n, 2n, -3n],
      [5n, -2n, -3n],
      [-5n, -2n, 3n],
      [7n, 3n, 2n], // 2.33…
      [8n, 3n, 3n], // 2.66…
      [-7n, 3n, -2n],
      [0n, 9n, 0n],
      [149n, 100n, 1n],
      [150n, 100n, 2n],
    ];
    for (const [n, d, want] of cases) expect(roundHalfAwayFromZero(n, d), `${n}/${d}`).to.equal(want);
    expect(() => roundHalfAwayFromZero(1n, 0n)).to.throw(RangeError);
  });

  it('is exact past 2^53: (2^60 + 1) / 2 rounds up to 2^59 + 1', () => {
    expect(roundHalfAwayFromZero(2n ** 60n + 1n, 2n)).to.equal(2n ** 59n + 1n);
  });

  it('a commission line rounds its stacked rates once: 10 % + 10 % + 10 % and 5.5 % × 110 % of small amounts', () => {
    // 30 % of 0.05 is 0.015 → 0.02; rounding each 10 % (0.005 → 0.01) apart would make 0.03.
    expect(
      amountOf(minor(5), [
        { kind: 'sales', rule: 's', bp: 1000 },
        { kind: 'technical', rule: 't', bp: 1000 },
        { kind: 'bonus', rule: 'b', bp: 1000 },
      ]),
    ).to.equal(2);
    // 5.5 % × 110 % = 6.05 % of 10.00 = 0.605 → 0.61, plus a fixed 1.00.
    expect(
      amountOf(minor(1000), [
        { kind: 'sales', rule: 's', bp: 550, multiplierBp: 11_000 },
        { kind: 'fixed', rule: 's', fixedMinor: 100 },
      ]),
    ).to.equal(161);
    expect(amountOf(minor(-1000), [{ kind: 'sales', rule: 's', bp: 550, multiplierBp: 11_000 }])).to.equal(-61);
  });
});
