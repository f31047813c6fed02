import { expect } from 'chai';
import freeMail from 'email-providers/all.json';
import disposableMail from 'disposable-email-domains/index.json';
import { isRegistrySuffix, registrableDomain, selfAndParents } from '../module/attribution/domain-name';
import { isPublicMailDomain, MAIL_DOMAINS_NOT_IN_PACKAGES } from '../module/attribution/public-mail-domains';

describe('domain names: public suffixes (the Public Suffix List, with its private section)', () => {
  it("a registry's suffix or a platform's is no one's domain: sc.ke, info.ke, co.uk, github.io, blogspot.com", () => {
    for (const d of ['sc.ke', 'info.ke', 'co.ke', 'or.ke', 'co.uk', 'com.au', 'com', 'github.io', 'blogspot.com', 'herokuapp.com']) {
      expect(isRegistrySuffix(d), d).to.equal(true);
      expect(registrableDomain(d), d).to.equal(null);
      expect(selfAndParents(d), d).to.deep.equal([]);
    }
  });

  it("a name at or under a registrable domain is a customer's, a user's own site under a platform's suffix included", () => {
    const cases: [string, string][] = [
      ['acme.sc.ke', 'acme.sc.ke'],
      ['shop.acme.co.uk', 'acme.co.uk'],
      ['alice.github.io', 'alice.github.io'],
      ['www.alice.github.io', 'alice.github.io'],
      ['acme.co', 'acme.co'],
      ['xn--bcher-kva.de', 'xn--bcher-kva.de'],
      // A top level the list does not hold (the demo's .example) is a suffix of one label.
      ['acme-widgets.example', 'acme-widgets.example'],
    ];
    for (const [name, registrable] of cases) {
      expect(isRegistrySuffix(name), name).to.equal(false);
      expect(registrableDomain(name), name).to.equal(registrable);
    }
  });

  it("a name matches its own registration and its parents', down to its registrable domain and never a suffix", () => {
    expect(selfAndParents('a.mail.acme.com')).to.deep.equal(['a.mail.acme.com', 'mail.acme.com', 'acme.com']);
    expect(selfAndParents('shop.acme.co.uk')).to.deep.equal(['shop.acme.co.uk', 'acme.co.uk']);
    expect(selfAndParents('blog.alice.github.io')).to.deep.equal(['blog.alice.github.io', 'alice.github.io']);
  });
});

describe('domain names: public e-mail providers', () => {
  it("free mail, ISPs' mailboxes and throwaway services, and names under them", () => {
    for (const d of [
      'gmail.com',
      'eu.gmail.com',
      'outlook.com',
      'yahoo.co.uk',
      't-online.de',
      'gmx.at',
      'orange.fr',
      'libero.it',
      'comcast.net',
      'btinternet.com',
      'mail.ru',
      'yandex.ua',
      '163.com',
      'bigpond.com',
      'mailinator.com',
      'tutanota.com',
    ]) {
      expect(isPublicMailDomain(d), d).to.equal(true);
    }
    for (const d of ['acme.com', 'gmail.acme.com', 'notgmail.com', 'safaricom.co.ke', 'orange-business.example']) expect(isPublicMailDomain(d), d).to.equal(false);
  });

  it('an internationalised name on the lists matches in punycode, as normaliseDomain gives it', () => {
    expect(freeMail.includes('müllmail.com')).to.equal(true);
    expect(isPublicMailDomain('xn--mllmail-n2a.com')).to.equal(true);
  });

  it('the names kept beside the packages are only those the packages lack', () => {
    const packaged = new Set([...freeMail, ...disposableMail]);
    expect(MAIL_DOMAINS_NOT_IN_PACKAGES.filter((d) => packaged.has(d))).to.deep.equal([]);
  });
});
