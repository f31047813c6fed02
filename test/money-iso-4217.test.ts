import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import currencyCodes from 'currency-codes';
import { currency, exponentOf, isCurrency } from '../module/money/currencies';
import { ISO_4217_PUBLISHED, MINOR_UNITS } from '../module/money/iso-4217';

type Table = Readonly<Record<string, number | null>>;

/** ISO 4217 List One as the currency-codes package ships it: code → minor units, null for "N.A.". */
function listOne(): { published: string; units: Table } {
  const xml = fs.readFileSync(path.join(path.dirname(require.resolve('currency-codes')), 'iso-4217-list-one.xml'), 'utf8');
  const units: Record<string, number | null> = {};
  for (const [, entry] of xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)) {
    const code = /<Ccy>([A-Z]{3})<\/Ccy>/.exec(entry!)?.[1];
    const minorUnits = /<CcyMnrUnts>([^<]+)<\/CcyMnrUnts>/.exec(entry!)?.[1];
    if (code && minorUnits) units[code] = minorUnits === 'N.A.' ? null : Number(minorUnits);
  }
  return { published: /Pblshd="([^"]+)"/.exec(xml)?.[1] ?? '', units };
}

/** Every code where `ours` and ISO differ, as a line a person can act on. */
function differences(ours: Table, iso: Table): string[] {
  const codes = [...new Set([...Object.keys(ours), ...Object.keys(iso)])].sort();
  return codes.flatMap((code) => {
    if (!(code in iso)) return [`${code}: not an ISO 4217 code`];
    if (!(code in ours)) return [`${code}: missing (ISO 4217: ${iso[code]})`];
    return ours[code] === iso[code] ? [] : [`${code}: ${ours[code]} here, ${iso[code]} in ISO 4217`];
  });
}

describe('money: the exponent table is ISO 4217', () => {
  const iso = listOne();

  it('holds every active ISO 4217 code with its minor unit, and nothing else', () => {
    // An unreadable list would compare equal to an empty table.
    expect(Object.keys(iso.units).length, 'codes in List One').to.be.greaterThan(170);
    expect(ISO_4217_PUBLISHED, 'the edition the table was written from').to.equal(iso.published);
    expect(differences(MINOR_UNITS, iso.units)).to.deep.equal([]);
  });

  it('the comparison fails on a wrong exponent (BYN 3), a missing code and an invented one', () => {
    const withoutEuro = Object.fromEntries(Object.entries(MINOR_UNITS).filter(([code]) => code !== 'EUR'));
    expect(differences({ ...withoutEuro, BYN: 3, ZZZ: 2 }, iso.units)).to.deep.equal(['BYN: 3 here, 2 in ISO 4217', 'EUR: missing (ISO 4217: 2)', 'ZZZ: not an ISO 4217 code']);
  });

  it('agrees with the package’s own data for every code', () => {
    const disagree = currencyCodes.data.filter((r) => MINOR_UNITS[r.code] !== null && MINOR_UNITS[r.code] !== r.digits).map((r) => r.code);
    expect(disagree).to.deep.equal([]);
  });

  it('gives the ISO exponent where Intl’s display digits differ: BYN 2, IDR 2, KWD 3, CLF 4, JPY 0', () => {
    expect(['BYN', 'IDR', 'KWD', 'CLF', 'JPY'].map((c) => exponentOf(currency(c)))).to.deep.equal([2, 2, 3, 4, 0]);
    expect(new Intl.NumberFormat('en', { style: 'currency', currency: 'IDR' }).resolvedOptions().maximumFractionDigits).to.equal(0);
  });

  it('refuses, saying why, a code ISO does not list and one with no minor unit', () => {
    expect(() => currency('BYR')).to.throw(RangeError, 'unknown ISO 4217 currency "BYR"');
    expect(() => currency('usd')).to.throw(RangeError, /unknown ISO 4217 currency/);
    expect(() => currency('XAU')).to.throw(RangeError, '"XAU" has no minor unit in ISO 4217');
    expect(isCurrency('XXX')).to.equal(false);
    expect(isCurrency('VED')).to.equal(true);
  });
});
