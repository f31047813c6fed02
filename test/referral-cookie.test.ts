import { expect } from 'chai';
import { ReferralCookie } from '../module/tracking/referral-cookie';
import { CookieSigner } from '../module/core/cookie-signer';

const DAY = 86_400_000;

describe('referral cookie', () => {
  const cookies = new ReferralCookie(new CookieSigner('test-secret'));
  const now = Date.UTC(2026, 0, 5);
  const value = cookies.sign({ agentId: 7, clickUid: 'abcdefghijkl', clickedAt: now });

  it('reads back what it signed', () => {
    expect(cookies.read(value, now + DAY, 90 * DAY)).to.deep.equal({ agentId: 7, clickUid: 'abcdefghijkl', clickedAt: now });
  });

  it('refuses a value pointed at another agent', () => {
    expect(cookies.read(value.replace(/^7\./, '8.'), now, 90 * DAY)).to.equal(null);
  });

  it('refuses a value signed with another secret', () => {
    const other = new ReferralCookie(new CookieSigner('other-secret')).sign({ agentId: 7, clickUid: 'abcdefghijkl', clickedAt: now });
    expect(cookies.read(other, now, 90 * DAY)).to.equal(null);
  });

  it('refuses an expired click, and garbage', () => {
    expect(cookies.read(value, now + 91 * DAY, 90 * DAY)).to.equal(null);
    for (const bad of [undefined, '', 'x', '<script>', `${value}x`, 'a'.repeat(500)]) expect(cookies.read(bad, now, 90 * DAY)).to.equal(null);
  });
});
