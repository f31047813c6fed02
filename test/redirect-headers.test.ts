import { expect } from 'chai';
import express, { type Request, type Response } from 'express';
import request from 'supertest';
import { REFERRAL_COOKIE } from '../module/tracking/referral-cookie';
import cookieParser from 'cookie-parser';
import { isHttps, referer, sendLinkRedirect, visitorIp } from '../module/tracking/link-http';
import { readCookie } from '../module/http/cookie-header';

const VALUE = '7.AbCdEfGh1234.1767225600000.newsletter.' + 'S'.repeat(43);
const DAYS_90 = 90 * 86_400_000;

/**
 * The link writes its 302 itself, for speed; these hold it to what express's res.cookie and
 * res.redirect answered before, header by header, and its request shortcuts to req.ip,
 * req.secure and req.get('referer').
 */
describe('the referral link redirect, against express', () => {
  const app = express();
  app.set('trust proxy', 'loopback');
  const cookie = (req: Request) => (req.query.cookie === undefined ? null : { value: VALUE, maxAgeMs: DAYS_90, secure: isHttps(req) });
  const earlier = (req: Request, res: Response) => {
    if (req.query.earlier !== undefined) res.append('Set-Cookie', 'earlier=1; Path=/');
  };
  app.get('/express', (req, res) => {
    earlier(req, res);
    const c = cookie(req);
    if (c) res.cookie(REFERRAL_COOKIE, c.value, { maxAge: c.maxAgeMs, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
    res.redirect(302, typeof req.query.to === 'string' ? req.query.to : '/');
  });
  app.get('/module', (req, res) => {
    earlier(req, res);
    sendLinkRedirect(res, typeof req.query.to === 'string' ? req.query.to : '/', cookie(req));
  });
  app.get('/visitor', (req, res) => {
    res.json({ ip: visitorIp(req), expressIp: req.ip, https: isHttps(req), expressHttps: req.secure, referer: referer(req), expressReferer: req.get('referer') ?? '' });
  });

  const both = async (query: string, set: (r: request.Test) => request.Test = (r) => r) => {
    const [a, b] = await Promise.all([set(request(app).get(`/express?${query}`)), set(request(app).get(`/module?${query}`))]);
    return { express: a, module: b };
  };
  // Expires is written from the clock at the moment: a second may tick between the two answers.
  const withoutExpires = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.replace(/; Expires=[^;]+/, ''));
  const expires = (res: request.Response) => Date.parse(/; Expires=([^;]+)/.exec(String(res.headers['set-cookie']))![1]!);

  it('sends the same status, Location and Set-Cookie', async () => {
    for (const query of ['to=/&cookie', 'to=/pricing?x=1&cookie', 'to=https://shop.example.com/promo?x=1&cookie', 'to=/', 'to=/&cookie&earlier']) {
      const r = await both(query);
      expect(r.module.status, query).to.equal(302);
      expect(r.module.headers.location, query).to.equal(r.express.headers.location);
      expect(withoutExpires(r.module), query).to.deep.equal(withoutExpires(r.express));
      if (query.includes('cookie')) expect(Math.abs(expires(r.module) - expires(r.express)), query).to.be.at.most(1000);
      expect(r.module.headers['content-length'], query).to.equal('0');
    }
  });

  it("the cookie lasts the program days, for the whole site, out of scripts' reach and first-party", async () => {
    const res = (await both('to=/&cookie')).module;
    const line = String(res.headers['set-cookie']);
    expect(line).to.match(new RegExp(`^${REFERRAL_COOKIE}=${VALUE.replace(/\./g, '\\.')}; Max-Age=7776000; Path=/; Expires=[^;]+ GMT; HttpOnly; SameSite=Lax$`));
    expect(expires(res) - Date.now()).to.be.within(DAYS_90 - 5_000, DAYS_90 + 1_000);
  });

  it('marks the cookie Secure behind a trusted proxy that says https, as express does', async () => {
    const r = await both('to=/&cookie', (t) => t.set('X-Forwarded-Proto', 'https'));
    expect(withoutExpires(r.module)).to.deep.equal(withoutExpires(r.express));
    expect(String(r.module.headers['set-cookie'])).to.contain('; HttpOnly; Secure; SameSite=Lax');
  });

  it('percent-encodes a target as res.redirect does', async () => {
    for (const to of ['/caf%C3%A9?q=%C3%BC', '/a%2520b', '/100%25', '/%F0%9F%98%80', '/x?y=%22%3C%3E%60']) {
      const r = await both(`to=${to}&cookie`);
      expect(r.module.headers.location, to).to.equal(r.express.headers.location);
    }
    expect((await both('to=/caf%C3%A9')).module.headers.location).to.equal('/caf%C3%A9');
  });

  it('answers HEAD with the same headers and no body', async () => {
    const res = await request(app).head('/module?to=/pricing&cookie');
    expect(res.status).to.equal(302);
    expect(res.headers.location).to.equal('/pricing');
    expect(String(res.headers['set-cookie'])).to.contain(`${REFERRAL_COOKIE}=`);
  });

  it("reads the visitor's address, scheme and referer as express does, with and without a proxy's headers", async () => {
    const cases: ((t: request.Test) => request.Test)[] = [
      (t) => t,
      (t) => t.set('X-Forwarded-For', '198.51.100.7'),
      (t) => t.set('X-Forwarded-For', '203.0.113.9, 198.51.100.7'),
      (t) => t.set('X-Forwarded-Proto', 'https'),
      (t) => t.set('X-Forwarded-Proto', 'https, http'),
      (t) => t.set('Referer', 'https://blog.example/post'),
      (t) => t.set('Referrer', 'https://other.example/'),
    ];
    for (const set of cases) {
      const v = (await set(request(app).get('/visitor'))).body as Record<string, unknown>;
      expect(v.ip).to.equal(v.expressIp);
      expect(v.https).to.equal(v.expressHttps);
      expect(v.referer).to.equal(v.expressReferer);
    }
  });
});

describe('the referral cookie read from the Cookie header, against cookie-parser', () => {
  const app = express();
  app.use(cookieParser());
  app.get('/', (req, res) => {
    res.json({ module: readCookie(req.headers.cookie, REFERRAL_COOKIE) ?? null, parser: (req.cookies as Record<string, string>)[REFERRAL_COOKIE] ?? null });
  });

  it('finds the same value, or none, whatever else the header holds', async () => {
    const headers = [
      `${REFERRAL_COOKIE}=${VALUE}`,
      `_ga=GA1.1.2; ${REFERRAL_COOKIE}=${VALUE}; theme=dark`,
      `x${REFERRAL_COOKIE}=other; ${REFERRAL_COOKIE}=${VALUE}`,
      `${REFERRAL_COOKIE}=${VALUE};${REFERRAL_COOKIE}=second`,
      `x${REFERRAL_COOKIE}=other`,
      `theme=${REFERRAL_COOKIE}`,
      'theme=dark',
    ];
    for (const header of headers) {
      const body = (await request(app).get('/').set('Cookie', header)).body as { module: string | null; parser: string | null };
      expect(body.module, header).to.equal(body.parser);
    }
    expect(readCookie(`x${REFERRAL_COOKIE}=other; ${REFERRAL_COOKIE}=${VALUE}`, REFERRAL_COOKIE)).to.equal(VALUE);
    expect(readCookie(undefined, REFERRAL_COOKIE)).to.equal(undefined);
  });
});
