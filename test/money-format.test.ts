import { expect } from 'chai';
import { formatMoney, minor } from '../module/money/amount';
import { currency } from '../module/money/currencies';

const KES = currency('KES');
const RUB = currency('RUB');
const USD = currency('USD');

describe('money: formatting in the reader’s locale (Intl, BigInt-safe)', () => {
  it('writes KES 7,560.00 with the code in English, Ksh 7,560.00 in Kenyan Swahili, 1 000,00 ₽ in Russian', () => {
    expect(formatMoney(minor(756_000), KES, 'en', 'code')).to.equal('KES\u00a07,560.00');
    expect(formatMoney(minor(756_000), KES, 'sw-KE')).to.equal('Ksh\u00a07,560.00');
    expect(formatMoney(minor(100_000), RUB, 'ru')).to.equal('1\u00a0000,00\u00a0₽');
    expect(formatMoney(minor(123_456), USD)).to.equal('$1,234.56');
  });

  it('shows exactly the ISO 4217 decimals, not Intl’s own: IDR 2 (Intl 0), KWD 3, CLF 4, JPY and UGX 0', () => {
    expect(formatMoney(minor(100_000), currency('IDR'), 'en', 'code')).to.equal('IDR\u00a01,000.00');
    expect(formatMoney(minor(12_345), currency('KWD'), 'en', 'code')).to.equal('KWD\u00a012.345');
    expect(formatMoney(minor(12_345), currency('CLF'), 'en', 'code')).to.equal('CLF\u00a01.2345');
    expect(formatMoney(minor(1000), currency('JPY'), 'en', 'code')).to.equal('JPY\u00a01,000');
    expect(formatMoney(minor(150_000), currency('UGX'), 'en', 'code')).to.equal('UGX\u00a0150,000');
  });

  it('keeps the sign under one unit, where the whole part is zero', () => {
    expect(formatMoney(minor(-5), USD, 'en', 'code')).to.equal('-USD\u00a00.05');
    expect(formatMoney(minor(-300_000), RUB, 'ru')).to.equal('-3\u00a0000,00\u00a0₽');
    expect(formatMoney(minor(0), USD, 'en', 'code')).to.equal('USD\u00a00.00');
  });

  it('keeps every digit of the largest amount, which a float of the major units would not', () => {
    const KWD = currency('KWD');
    const viaFloat = new Intl.NumberFormat('en', { style: 'currency', currency: 'KWD', currencyDisplay: 'code', minimumFractionDigits: 3 });
    expect(viaFloat.format(Number.MAX_SAFE_INTEGER / 1000)).to.equal('KWD\u00a09,007,199,254,740.990'); // a fils lost
    expect(formatMoney(minor(Number.MAX_SAFE_INTEGER), KWD, 'en', 'code')).to.equal('KWD\u00a09,007,199,254,740.991');
    expect(formatMoney(minor(Number.MAX_SAFE_INTEGER), USD, 'en', 'code')).to.equal('USD\u00a090,071,992,547,409.91');
    expect(formatMoney(minor(-Number.MAX_SAFE_INTEGER), RUB, 'ru')).to.equal('-90\u00a0071\u00a0992\u00a0547\u00a0409,91\u00a0₽');
  });

  it('writes the minor units in the locale’s own digits', () => {
    expect(formatMoney(minor(-1234), currency('EGP'), 'ar-EG')).to.equal(new Intl.NumberFormat('ar-EG', { style: 'currency', currency: 'EGP' }).format(-12.34));
  });

  it('builds each Intl.NumberFormat once per locale, currency and display, not once per amount', () => {
    const Original = Intl.NumberFormat;
    let built = 0;
    const counting = function (...args: ConstructorParameters<typeof Intl.NumberFormat>) {
      built++;
      return new Original(...args);
    };
    Intl.NumberFormat = counting as unknown as typeof Intl.NumberFormat;
    try {
      for (let i = 1; i <= 100; i++) formatMoney(minor(i * 101), currency('GBP'), 'en-GB');
    } finally {
      Intl.NumberFormat = Original;
    }
    expect(built, 'the currency format and the minor-units format').to.equal(2);
  });

  it('refuses a currency that is not ISO 4217 before formatting anything', () => {
    expect(() => formatMoney(minor(1), currency('ZZZ'))).to.throw(RangeError, /unknown ISO 4217/);
  });
});
