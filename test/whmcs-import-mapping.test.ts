import { expect } from 'chai';
import { DateTime } from 'luxon';
import { currency } from '../module/money/currencies';
import { planAffiliate, startOfDay, whmcsMinor, type ProgramChoice } from '../module/whmcs-import/whmcs-mapping';

const usd = currency('USD');
const program: ProgramChoice = { id: 1, slug: 'cloudpockets', currency: usd, timezone: 'UTC', version: 1 };
const affiliate = { id: 7, clientId: 70, date: null, paytype: '', payamount: '0.00', balance: '10.00', withdrawn: '0.00' };

describe('WHMCS amounts and dates, as the import reads them', () => {
  it('a DECIMAL(16,2) is read exactly into minor units: 1234.50 USD is 123450, 0.07 is 7, -3.10 is -310, 1000.00 JPY is 1000, 1.234 KWD is 1234', () => {
    expect([whmcsMinor('1234.50', usd), whmcsMinor('0.07', usd), whmcsMinor('-3.10', usd), whmcsMinor('1000.00', currency('JPY')), whmcsMinor('1.234', currency('KWD'))]).to.deep.equal([
      123450, 7, -310, 1000, 1234,
    ]);
  });

  it('an amount the currency cannot hold is refused, not rounded: 10.50 JPY, 1.005 USD, "abc"', () => {
    expect(() => whmcsMinor('10.50', currency('JPY'))).to.throw(RangeError, "10.50 has more decimals than JPY's 0");
    expect(() => whmcsMinor('1.005', usd)).to.throw(RangeError);
    expect(() => whmcsMinor('abc', usd)).to.throw(RangeError, 'is not an amount');
  });

  it('a clearing date is 00:00 of that day in the program’s zone: 2026-03-12 in Nairobi is 21:00 UTC on the 11th', () => {
    expect(startOfDay('2026-03-12', 'Africa/Nairobi')).to.equal(DateTime.fromISO('2026-03-11T21:00:00Z').toMillis());
  });

  it('an affiliate whose client has no currency in WHMCS, or a currency no program given pays in, is said so', () => {
    const facts = { accounts: [], pending: [], withdrawals: [], history: undefined };
    expect(planAffiliate(affiliate, { ...facts, client: undefined }, new Map([['USD', program]]), 0)).to.deep.equal({ unplaced: "client 70 is not in WHMCS's tblclients (deleted?)" });
    const eur = planAffiliate(affiliate, { ...facts, client: { id: 70, name: 'E', status: 'Active', currency: 'EUR' } }, new Map([['USD', program]]), 0);
    expect('plan' in eur && eur.plan.skip).to.equal('no --program pays in EUR (given: cloudpockets USD)');
  });

  it('a pending commission of zero or less, and a withdrawal of an amount the currency cannot hold, are left out and said why', () => {
    const outcome = planAffiliate(
      affiliate,
      {
        client: { id: 70, name: 'A', status: 'Active', currency: 'USD' },
        accounts: [],
        pending: [{ id: 1, accountId: 2, affiliateId: 7, amount: '-5.00', clearingDate: '2026-03-01', invoiceId: 0 }],
        withdrawals: [{ id: 3, affiliateId: 7, date: '2026-01-01', amount: '1.001' }],
        history: '10.00',
      },
      new Map([['USD', program]]),
      0,
    );
    expect('plan' in outcome && outcome.plan.left).to.deep.equal([
      { kind: 'pending', id: 1, amount: -500, reason: 'a pending commission of zero or less cannot be held' },
      { kind: 'withdrawal', id: 3, amount: null, reason: 'amount 1.001 is not one in USD' },
    ]);
  });
});
