import { expect } from 'chai';
import request from 'supertest';
import { onEachDatabase } from './support/databases';
import { type Fixture, agentAccount, csrfFrom, session, signUp, startHost, type Session } from './support/host-fixture';
import { SVG, gif, jpeg, png, webp } from './support/test-images';
import { T } from '../module/db/tables';
import { RuleError } from '../module/core/errors';
import { checkImage, MAX_IMAGE_BYTES } from '../module/creatives/image-check';
import { landingPath } from '../module/creatives/creative-input';
import { embedCode, embedSource } from '../module/creatives/embed-code';
import type { Creative } from '../module/creatives/creative-service';

const SITE = 'http://billing.test';
const ADMIN_PAGE = '/admin/addonmodules.php?module=agenttools';
const CREATIVES = `${ADMIN_PAGE}&action=creatives`;
const UPLOAD = `${ADMIN_PAGE}&action=uploadCreative`;
const ADD_TEXT = `${ADMIN_PAGE}&action=addTextCreative`;
const ARCHIVE = `${ADMIN_PAGE}&action=archiveCreative`;
const ASSETS = '/index.php?m=agenttools&t=assets';

const HOSTILE_NAME = 'Cloud "Pro" </textarea><script>alert(1)</script>';
const HOSTILE_ALT = `"><script>alert('x')</script> & <img src=x onerror=alert(1)> &amp;`;

/** What a browser makes of text or an attribute value: the five entities ejs and the builder write. */
function decode(html: string): string {
  return html.replace(/&(#\d+|amp|lt|gt|quot);/g, (_m, e: string) => (e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : { amp: '&', lt: '<', gt: '>', quot: '"' }[e]!));
}

/** The text of each embed-code box on a page, as the agent copies it. */
function copiedCodes(html: string): string[] {
  return [...html.matchAll(/<textarea[^>]*data-testid="embed-code"[^>]*>([^<]*)<\/textarea>/g)].map((m) => decode(m[1]!));
}

function creative(over: Partial<Creative>): Creative {
  return {
    id: 3,
    kind: 'image',
    name: 'Leaderboard',
    alt: 'Cloud servers',
    linkText: null,
    landing: null,
    width: 728,
    height: 90,
    mime: 'image/png',
    status: 'active',
    createdBy: 'admin',
    createdAt: 0,
    ...over,
  };
}

describe('creatives: what an image is, read from its bytes', () => {
  it('PNG, JPEG, GIF and WebP are accepted with the width and height written in the image', () => {
    expect(checkImage(png(468, 60))).to.deep.equal({ mime: 'image/png', width: 468, height: 60 });
    expect(checkImage(jpeg(300, 250))).to.deep.equal({ mime: 'image/jpeg', width: 300, height: 250 });
    expect(checkImage(gif(120, 600))).to.deep.equal({ mime: 'image/gif', width: 120, height: 600 });
    expect(checkImage(webp(728, 90))).to.deep.equal({ mime: 'image/webp', width: 728, height: 90 });
  });

  it('a JPEG its EXIF turns a quarter is as wide as it is shown', () => {
    expect(checkImage(jpeg(300, 250, 6))).to.deep.equal({ mime: 'image/jpeg', width: 250, height: 300 });
  });

  it('SVG, HTML, BMP, an empty or a broken file and one over 1 MiB are refused, each with its reason', () => {
    const refusal = (data: Buffer) => {
      try {
        checkImage(data);
      } catch (e) {
        expect(e).to.be.instanceOf(RuleError);
        expect((e as RuleError).field).to.equal('image');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal(SVG)).to.match(/not a PNG, JPEG, GIF or WebP image \(SVG is not accepted\)/);
    expect(refusal(Buffer.from('<!doctype html><script>alert(1)</script>'))).to.match(/not a PNG/);
    expect(refusal(Buffer.from('BM\x36\x00\x00\x00', 'latin1'))).to.match(/not a PNG/);
    expect(refusal(Buffer.alloc(0))).to.equal('Choose an image file.');
    expect(refusal(png(10, 10).subarray(0, 16))).to.match(/could not be read/);
    const big = png(10, 10, [0, 0, 0], MAX_IMAGE_BYTES);
    expect(refusal(big)).to.equal(`The image is ${big.length.toLocaleString('en')} bytes; it may be at most 1 MiB.`);
  });
});

describe('creatives: the embed code', () => {
  it("a banner is one link around one image, to the agent's referral link with source and landing page", () => {
    expect(embedCode(SITE, 7, creative({ landing: '/pricing?plan=pro&x=1' }), 'blog')).to.equal(
      '<a href="http://billing.test/aff.php?aff=7&amp;src=blog&amp;to=%2Fpricing%3Fplan%3Dpro%26x%3D1">' +
        '<img src="http://billing.test/modules/addons/agenttools/creative/3" width="728" height="90" alt="Cloud servers"></a>',
    );
    expect(embedCode(SITE, 7, creative({}), null)).to.equal(
      '<a href="http://billing.test/aff.php?aff=7"><img src="http://billing.test/modules/addons/agenttools/creative/3" width="728" height="90" alt="Cloud servers"></a>',
    );
  });

  it('hostile alt text and names stay inside their attribute: the code is well-formed and runs nothing', () => {
    const code = embedCode(SITE, 7, creative({ name: HOSTILE_NAME, alt: HOSTILE_ALT }), 'blog');
    const m = /^<a href="([^"<>]*)"><img src="([^"<>]*)" width="728" height="90" alt="([^"<>]*)"><\/a>$/.exec(code);
    expect(m, code).to.not.equal(null);
    expect(decode(m![1]!)).to.equal('http://billing.test/aff.php?aff=7&src=blog');
    expect(decode(m![3]!)).to.equal(HOSTILE_ALT);
    // Two tags and the end of one: nothing the alt text says became markup.
    expect(code.match(/[<>]/g)).to.have.length(6);
    expect(code).not.to.contain("'");
  });

  it("a text link's words are escaped as text", () => {
    const words = `</a><script>alert("x")</script> Fast & 'cheap'`;
    const code = embedCode(SITE, 7, creative({ kind: 'text', linkText: words, width: null, height: null, landing: '/' }), null);
    const m = /^<a href="([^"<>]*)">([^<>]*)<\/a>$/.exec(code);
    expect(m, code).to.not.equal(null);
    expect(decode(m![1]!)).to.equal('http://billing.test/aff.php?aff=7&to=%2F');
    expect(decode(m![2]!)).to.equal(words);
  });

  it('a source follows the click rules (lower case; Default is none); anything else is refused, not dropped', () => {
    expect([embedSource(''), embedSource('  '), embedSource(undefined), embedSource('Default'), embedSource('Blog'), embedSource(' yt_2026-03 ')]).to.deep.equal([
      null,
      null,
      null,
      null,
      'blog',
      'yt_2026-03',
    ]);
    for (const bad of ['a b', '"><script>', 'x'.repeat(33), 'blog&to=//evil.example']) expect(() => embedSource(bad)).to.throw(RuleError, /1 to 32 letters/);
  });

  it('a landing page is a path on the site, never another site', () => {
    for (const ok of ['/', '/pricing', '/?pid=3&x=1']) expect(landingPath.safeParse(ok).success, ok).to.equal(true);
    for (const bad of ['pricing', 'https://evil.example/', '//evil.example', '/\\evil.example', '/a b', 'javascript:alert(1)', `/${'x'.repeat(255)}`]) {
      expect(landingPath.safeParse(bad).success, bad).to.equal(false);
    }
    // A stored landing that fails the check (edited in the database) is left out of the link.
    expect(embedCode(SITE, 7, creative({ landing: '//evil.example' }), null)).to.contain('href="http://billing.test/aff.php?aff=7"');
  });
});

onEachDatabase("creatives: admin uploads, public images, the agent's Assets page", ({ current }) => {
  let f: Fixture;
  let admin: Session;
  let agent: Session;
  let agentId: number;
  let bannerId: number;
  const banner = png(468, 60);
  const count = async () => Number((await current().db(T.creatives).count({ n: '*' }))[0]!.n);

  /** A multipart POST as the browser's upload form sends it; `token` null sends none. */
  async function upload(s: Session, fields: Record<string, string>, file: { data: Buffer; name: string; type: string } | null, token?: string | null) {
    const sent = { ...fields, ...(token === null ? {} : { _csrf: token ?? csrfFrom((await s.agent.get(CREATIVES)).text) }) };
    const req = s.agent.post(UPLOAD);
    for (const [k, v] of Object.entries(sent)) req.field(k, v);
    if (file) req.attach('image', file.data, { filename: file.name, contentType: file.type });
    return req;
  }
  const post = async (s: Session, path: string, form: Record<string, string | number>) => s.post(CREATIVES, path, form);

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    ({ agentId } = await agentAccount(f.host, 'agent@example.com'));
    agent = await session(f.host, { email: 'agent@example.com' });
  });
  after(() => f.host.stop());

  it('an upload is refused by GET, without the CSRF token, and from anyone but an admin; nothing is stored', async () => {
    const file = { data: banner, name: 'banner.png', type: 'image/png' };
    expect((await admin.agent.get(UPLOAD)).status).to.equal(405);
    expect((await upload(admin, { name: 'No token' }, file, null)).status).to.equal(403);
    expect((await upload(admin, { name: 'Wrong token' }, file, 'x'.repeat(40))).status).to.equal(403);
    const client = await session(f.host, { email: 'agent@example.com' });
    // The host reads no file from anyone but an admin: the body is refused unread.
    const asClient = await upload(client, { name: 'Client' }, file, csrfFrom((await client.agent.get('/clientarea')).text));
    expect(asClient.status).to.equal(403);
    expect(asClient.text).to.contain('Only an administrator may upload files.');
    const anonymous = await session(f.host);
    const asAnonymous = await upload(anonymous, { name: 'Anonymous' }, file, csrfFrom((await anonymous.agent.get('/register')).text));
    expect(asAnonymous.status).to.equal(403);
    expect(await count()).to.equal(0);
  });

  it('SVG, a .png that is not an image, and a file over 1 MiB are refused beside the field, the form kept', async () => {
    const svg = await upload(admin, { name: 'Vector', alt: 'our logo' }, { data: SVG, name: 'logo.svg', type: 'image/svg+xml' });
    expect(svg.status).to.equal(422);
    expect(svg.text).to.contain('not a PNG, JPEG, GIF or WebP image (SVG is not accepted)');
    expect(svg.text).to.contain('value="our logo"');
    const fake = await upload(admin, { name: 'Fake' }, { data: Buffer.from('<html><script>alert(1)</script></html>'), name: 'banner.png', type: 'image/png' });
    expect(fake.status).to.equal(422);
    expect(fake.text).to.contain('not a PNG, JPEG, GIF or WebP image');
    const big = await upload(admin, { name: 'Big' }, { data: png(10, 10, [0, 0, 0], 2 * MAX_IMAGE_BYTES), name: 'big.png', type: 'image/png' });
    expect(big.status).to.equal(422);
    expect(big.text).to.match(/bytes; it may be at most 1 MiB/);
    const none = await upload(admin, { name: 'Nothing' }, null);
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('Choose an image file.');
    const landing = await upload(admin, { name: 'Away', landing: 'https://evil.example/' }, { data: banner, name: 'b.png', type: 'image/png' });
    expect(landing.status).to.equal(422);
    expect(landing.text).to.contain('a path on this site');
    expect(await count()).to.equal(0);
  });

  it("a file over the platform's upload limit gets a 413 page, and the server goes on", async () => {
    const huge = await upload(admin, { name: 'Huge' }, { data: Buffer.alloc(9 * 1024 * 1024, 1), name: 'huge.png', type: 'image/png' });
    expect(huge.status).to.equal(413);
    expect(huge.text).to.contain('The file is too large: uploads may be at most 8 MiB.');
    expect((await admin.agent.get(CREATIVES)).status).to.equal(200);
    expect(await count()).to.equal(0);
  });

  it('a PNG is stored with the width and height read from it, whatever the form says', async () => {
    const res = await upload(admin, { name: 'Leaderboard', alt: 'Cloud servers from $5', landing: '/pricing', width: '1', height: '1' }, { data: banner, name: 'banner.gif', type: 'image/gif' });
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    expect(res.headers.location).to.equal(`${CREATIVES}&done=uploaded`);
    const row = await current().db(T.creatives).orderBy('id', 'desc').first();
    bannerId = Number(row.id);
    expect([row.kind, row.name, row.alt, row.landing, Number(row.width), Number(row.height), row.mime, row.status, row.created_by]).to.deep.equal([
      'image',
      'Leaderboard',
      'Cloud servers from $5',
      '/pricing',
      468,
      60,
      'image/png',
      'active',
      'admin',
    ]);
    const page = await admin.agent.get(`${CREATIVES}&done=uploaded`);
    expect(page.text).to.contain('The banner was uploaded');
    expect(page.text).to.contain('468 × 60 pixels');
  });

  it('the image is served to anyone, with its type, an ETag, caching, nosniff and no session', async () => {
    const path = `/modules/addons/agenttools/creative/${bannerId}`;
    const res = await request(f.host.app)
      .get(path)
      .buffer(true)
      .parse((r, cb) => {
        const parts: Buffer[] = [];
        r.on('data', (c: Buffer) => parts.push(c));
        r.on('end', () => cb(null, Buffer.concat(parts)));
      });
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('image/png');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['cache-control']).to.equal('public, max-age=86400');
    expect(res.headers['set-cookie']).to.equal(undefined);
    expect(Buffer.compare(res.body as Buffer, banner)).to.equal(0);
    const etag = String(res.headers.etag);
    expect(etag).to.match(/^"[0-9a-f]{64}"$/);
    const again = await request(f.host.app).get(path).set('If-None-Match', etag);
    expect(again.status).to.equal(304);
    expect((await request(f.host.app).get(path).set('If-None-Match', '"other"')).status).to.equal(200);
    for (const missing of ['999999', 'abc', '0', `${bannerId}.png`]) {
      const gone = await request(f.host.app).get(`/modules/addons/agenttools/creative/${missing}`);
      expect(gone.status, missing).to.equal(404);
      expect(gone.headers['x-content-type-options']).to.equal('nosniff');
    }
  });

  it('a text link needs its words, at most 255 characters, and a landing page on the site', async () => {
    const empty = await post(admin, ADD_TEXT, { link_text: '  ', name: '' });
    expect(empty.status).to.equal(422);
    expect(empty.text).to.contain('required');
    expect((await post(admin, ADD_TEXT, { link_text: 'x'.repeat(256) })).text).to.contain('at most 255 characters');
    expect((await post(admin, ADD_TEXT, { link_text: 'Go', landing: '//evil.example' })).status).to.equal(422);
    expect(await count()).to.equal(1);
    const ok = await post(admin, ADD_TEXT, { link_text: 'Cloud servers in Nairobi', landing: '/?pid=3' });
    expect(ok.status).to.equal(303);
    const row = await current().db(T.creatives).where({ kind: 'text' }).first();
    expect([row.name, row.link_text, row.landing, row.image ?? null]).to.deep.equal(['Cloud servers in Nairobi', 'Cloud servers in Nairobi', '/?pid=3', null]);
    expect((await request(f.host.app).get(`/modules/addons/agenttools/creative/${row.id}`)).status).to.equal(404);
  });

  it("the agent's Assets page shows each creative, its size and the code to copy, exactly as built", async () => {
    expect((await agent.agent.get('/index.php?m=agenttools')).text).to.contain('href="/index.php?m=agenttools&amp;action=assets"');
    expect((await admin.agent.get(ADMIN_PAGE)).text).to.contain('data-testid="admin-nav-creatives"');
    const page = await agent.agent.get(ASSETS);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('468 × 60 pixels');
    const [bannerCode, textCode] = copiedCodes(page.text);
    const stored = await f.host.agentTools.services.creatives.listActive();
    expect(bannerCode).to.equal(embedCode(SITE, agentId, stored[0]!, null));
    expect(bannerCode).to.equal(
      `<a href="${SITE}/aff.php?aff=${agentId}&amp;to=%2Fpricing"><img src="${SITE}/modules/addons/agenttools/creative/${bannerId}" width="468" height="60" alt="Cloud servers from $5"></a>`,
    );
    expect(textCode).to.equal(`<a href="${SITE}/aff.php?aff=${agentId}&amp;to=%2F%3Fpid%3D3">Cloud servers in Nairobi</a>`);
  });

  it('the source the agent picks is in every code; an invalid one is said, not used', async () => {
    const tagged = await agent.agent.get(`${ASSETS}&src=Blog`);
    expect(copiedCodes(tagged.text).every((c) => c.includes(`aff=${agentId}&amp;src=blog&amp;to=`))).to.equal(true);
    expect(tagged.text).to.contain('value="blog"');
    const bad = await agent.agent.get(`${ASSETS}&src=${encodeURIComponent('"><b>x')}`);
    expect(bad.status).to.equal(422);
    expect(bad.text).to.contain('A source is 1 to 32 letters, digits, - or _.');
    expect(bad.text).to.contain('value="&#34;&gt;&lt;b&gt;x"');
    expect(copiedCodes(bad.text).some((c) => c.includes('&amp;src='))).to.equal(false);
  });

  it('what the agent copies is the snippet even when an admin named the creative with markup', async () => {
    const made = await f.host.agentTools.services.creatives.createImage({ name: HOSTILE_NAME, alt: HOSTILE_ALT, landing: null }, { data: png(300, 250) }, 'admin');
    const page = await agent.agent.get(`${ASSETS}&src=blog`);
    expect(page.text).not.to.contain('<script>');
    expect(copiedCodes(page.text)).to.include(embedCode(SITE, agentId, made, 'blog'));
    expect((await admin.agent.get(CREATIVES)).text).not.to.contain('<script>');
    await f.host.agentTools.services.creatives.archive(made.id);
  });

  it('an archived creative leaves the Assets page and keeps serving its image', async () => {
    expect((await admin.agent.get(`${ARCHIVE}&creative_id=${bannerId}`)).status).to.equal(405);
    const anonymous = await session(f.host);
    const token = csrfFrom((await anonymous.agent.get('/register')).text);
    expect((await anonymous.agent.post(ARCHIVE).type('form').send({ creative_id: bannerId, _csrf: token })).status).to.equal(302);
    expect((await post(admin, ARCHIVE, { creative_id: 999999 })).text).to.contain('There is no creative #999999.');
    const res = await post(admin, ARCHIVE, { creative_id: bannerId });
    expect(res.status).to.equal(303);
    expect((await current().db(T.creatives).where({ id: bannerId }).first()).status).to.equal('archived');
    const page = await agent.agent.get(ASSETS);
    expect(page.text).not.to.contain(`data-testid="creative-${bannerId}"`);
    expect(copiedCodes(page.text)).to.have.length(1);
    expect((await request(f.host.app).get(`/modules/addons/agenttools/creative/${bannerId}`)).status).to.equal(200);
    expect((await admin.agent.get(CREATIVES)).text).to.contain('archived');
  });

  it('a client who is not an agent is told so on the Assets page', async () => {
    const plain = await session(f.host);
    await signUp(f.host, plain, 'plain@example.com');
    const page = await plain.agent.get(ASSETS);
    expect(page.text).to.contain('not part of the affiliate program');
    expect(copiedCodes(page.text)).to.deep.equal([]);
  });
});
