import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import { expect } from 'chai';
import express from 'express';
import { onEachDatabase } from './support/databases';
import { API_SECRET, IDENTIFIER, sampleWhmcs, startWhmcsFixture, type WhmcsFixture } from './support/whmcs-api-fixture';
import { tinyPdf } from './support/tiny-pdf';
import { png } from './support/test-images';
import { createWhmcsBridge, type WhmcsBridge } from '../integrations/whmcs/host/server';
import { BridgeHttp, FILE_FIELD_PREFIX, IDENTITY_HEADER } from '../integrations/whmcs/host/bridge-http';
import { MemoryLogger } from '../module/core/logger';
import { systemClock } from '../module/core/clock';
import { newSecret, sign } from '../module/events-in/signature';
import { MAX_CERTIFICATE_BYTES } from '../module/tax/certificate-file';

const PHP = process.env.AGENTTOOLS_PHP ?? 'php';
const MODULE_DIR = path.resolve(__dirname, '../integrations/whmcs/modules/addons/agenttools');
const ROUTER = path.resolve(__dirname, 'support/whmcs-page-server.php');
/** Set by .ci/run: the bridge's PHP must be tested, not skipped. */
const REQUIRE_PHP = process.env.AGENTTOOLS_REQUIRE_PHP === '1';
const TOKEN = 'whmcs-session-token-1';
const UPLOAD = '/index.php?m=agenttools&action=uploadExemptionCertificate';

function phpWithCurl(): boolean {
  const probe = spawnSync(PHP, ['-r', 'echo extension_loaded("curl") ? "yes" : "no";'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout === 'yes';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => (address && typeof address !== 'string' ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        resolve(true);
      });
      c.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`php -S did not listen on ${port}`);
}

function portOf(server: Server): number {
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A PDF of exactly `size` bytes: the tiny one, then a PDF comment padding it out. */
function pdfOfSize(size: number): Buffer {
  const head = tinyPdf();
  return Buffer.concat([head, Buffer.from('%'), Buffer.alloc(size - head.length - 2, 'x'), Buffer.from('\n')]);
}

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * The addon's client-area page in real PHP (php -S with the router in test/support), in front of
 * the module's WHMCS bridge: the browser's multipart upload is parsed by PHP into $_FILES and must
 * reach the module, signed, as the agent's exemption certificate. A "capture" server standing in
 * for the module records what the addon sends, to replay it to the bridge changed and unchanged.
 */
onEachDatabase('uploads and the language through the WHMCS addon in PHP', ({ current }) => {
  let whmcs: WhmcsFixture;
  let bridge: WhmcsBridge;
  let server: Server;
  let capture: Server;
  let php: ChildProcess | null = null;
  let phpUrl: string;
  let configPath: string;
  let bridgeSettings: Record<string, string>;
  let agentId: number;
  const captured: Captured[] = [];
  const alice = { result: 'success', client: { id: 1, firstname: 'Alice', lastname: 'Agent', email: 'alice@example.com', language: '' } };
  const setup = (over: Record<string, unknown> = {}) =>
    fs.writeFileSync(
      configPath,
      JSON.stringify({ module_dir: MODULE_DIR, settings: bridgeSettings, localapi: { GetClientsDetails: alice }, token: TOKEN, session: { uid: 1, userid: 1 }, system_language: 'english', ...over }),
    );
  const certificates = () => bridge.agentTools.services.exemptionCertificates;
  const upload = (file: Buffer, name: string) => {
    const form = new FormData();
    form.set('_csrf', TOKEN);
    form.set('certificate', new Blob([file], { type: 'application/pdf' }), name);
    return fetch(`${phpUrl}${UPLOAD}`, { method: 'POST', body: form, redirect: 'manual' });
  };

  before(async function () {
    if (!phpWithCurl()) {
      if (REQUIRE_PHP) throw new Error(`PHP with curl is required (AGENTTOOLS_REQUIRE_PHP=1) but "${PHP}" is missing or has no curl: apt-get install php-cli php-curl`);
      console.warn(`\n  PHP with curl not found ("${PHP}"): the WHMCS bridge's upload tests are skipped (apt-get install php-cli php-curl).\n`);
      this.skip();
    }
    this.timeout(120_000);
    whmcs = await startWhmcsFixture(sampleWhmcs());
    bridge = await createWhmcsBridge({
      db: current().db,
      whmcs: { url: whmcs.url, identifier: IDENTIFIER, secret: API_SECRET },
      siteUrl: 'https://billing.example.com',
      logger: new MemoryLogger(),
      module: { clickFlushMs: 60_000 },
    });
    server = await new Promise<Server>((resolve) => {
      const s = bridge.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const source = await bridge.agentTools.services.eventSources.create('whmcs');
    bridgeSettings = { module_url: `http://127.0.0.1:${portOf(server)}`, source_secret: source.secret, timeout: '30' };
    const program = await bridge.agentTools.services.programs.bySlug('default');
    agentId = (await bridge.agentTools.services.agents.activateForClient(1, program!.id)).id;

    capture = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        captured.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
        if (req.method === 'POST') {
          res.writeHead(303, { location: '/index.php?m=agenttools&action=taxProfile' }).end();
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ area: 'client', title: 'Captured', breadcrumb: [], html: '<p>captured</p>' }));
        }
      });
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));

    configPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'agenttools-php-')), 'standin.json');
    setup();
    const port = await freePort();
    // PHP's own upload limits (2M by default) raised as a WHMCS server taking 5 MB certificates must.
    php = spawn(PHP, ['-d', 'upload_max_filesize=8M', '-d', 'post_max_size=16M', '-S', `127.0.0.1:${port}`, ROUTER], {
      env: { ...process.env, AGENTTOOLS_STANDIN: configPath },
      stdio: 'ignore',
    });
    phpUrl = `http://127.0.0.1:${port}`;
    await waitForPort(port);
  });
  after(async () => {
    php?.kill();
    if (!bridge) return;
    await bridge.agentTools.stop();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => capture.close(resolve));
    await whmcs.close();
    fs.rmSync(path.dirname(configPath), { recursive: true, force: true });
  });

  it('a certificate uploaded on the tax profile page in WHMCS is on file in the module, and downloads the same', async () => {
    setup();
    const pdf = tinyPdf();
    const res = await upload(pdf, 'exemption.pdf');
    expect(res.status).to.equal(303);
    // The module's redirect, made a WHMCS address by the addon.
    expect(res.headers.get('location')).to.equal('index.php?m=agenttools&action=taxProfile&done=certificate');
    const filed = await certificates().onFile(agentId);
    expect(filed).to.deep.include({ agentId, fileName: 'exemption.pdf', mime: 'application/pdf', size: pdf.length, sha256: sha256(pdf), uploadedBy: 'agent:1' });

    const page = (await (await fetch(`${phpUrl}/index.php?m=agenttools&action=taxProfile`)).json()) as { result: { vars: { agenttools_html: string } } };
    expect(page.result.vars.agenttools_html).to.include('data-testid="certificate-on-file"').and.include('exemption.pdf');

    const download = await fetch(`${phpUrl}/index.php?m=agenttools&action=exemptionCertificateFile`);
    expect(download.status).to.equal(200);
    expect(download.headers.get('content-type')).to.match(/^application\/pdf/);
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).to.equal(true);
  });

  it('a certificate of the largest size the module takes (5 MB) crosses the bridge whole', async function () {
    this.timeout(60_000);
    setup();
    const big = pdfOfSize(MAX_CERTIFICATE_BYTES);
    const res = await upload(big, 'scan.pdf');
    expect(res.status).to.equal(303);
    const filed = await certificates().onFile(agentId);
    expect(filed).to.deep.include({ fileName: 'scan.pdf', size: 5 * 1024 * 1024, sha256: sha256(big) });
  });

  it('a banner uploaded on the admin page in WHMCS becomes a creative', async () => {
    setup({ area: 'admin', session: { adminid: 1 }, localapi: { GetAdminDetails: { result: 'success', adminid: 1, name: 'root', language: 'english' } } });
    const image = png(468, 60);
    const form = new FormData();
    form.set('_csrf', TOKEN);
    form.set('name', 'Leaderboard');
    form.set('image', new Blob([image], { type: 'image/png' }), 'banner.png');
    const res = await fetch(`${phpUrl}/admin/addonmodules.php?module=agenttools&action=uploadCreative`, { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('addonmodules.php?module=agenttools&action=creatives&done=uploaded');
    const [made] = await bridge.agentTools.services.creatives.list();
    expect(made).to.deep.include({ name: 'Leaderboard' });
  });

  it('a file over what the module reads, or over PHP’s upload limit, is said to be too large, and nothing is filed', async function () {
    this.timeout(60_000);
    setup();
    const before = (await certificates().history(agentId)).length;
    const tooLarge = 'The file is too large to upload. Go back and choose a smaller one.';
    // 7 MiB: PHP takes it (8M), the bridge refuses its 9.3 MB of base64 (8mb): 413.
    // 9 MiB: over PHP's upload_max_filesize (8M): PHP drops it and the addon does not pass it on.
    for (const size of [7 * 1024 * 1024, 9 * 1024 * 1024]) {
      const res = await upload(pdfOfSize(size), 'huge.pdf');
      expect(res.status, String(size)).to.equal(200);
      const page = (await res.json()) as { result: { vars: { agenttools_html: string } } };
      expect(page.result.vars.agenttools_html, String(size)).to.equal(`<div class="alert alert-danger">${tooLarge}</div>`);
    }
    expect(await certificates().history(agentId)).to.have.length(before);
  });

  it('a form field named like an upload, sent by the browser, is not passed on as a file', async () => {
    setup();
    const before = (await certificates().history(agentId)).length;
    const forged = JSON.stringify({ name: 'forged.pdf', type: 'application/pdf', data: tinyPdf().toString('base64url') });
    const res = await fetch(`${phpUrl}${UPLOAD}`, {
      method: 'POST',
      body: new URLSearchParams({ _csrf: TOKEN, [`${FILE_FIELD_PREFIX}certificate`]: forged }),
      redirect: 'manual',
    });
    // The module's page again, saying no file was chosen; nothing filed.
    expect(res.status).to.equal(200);
    const page = (await res.json()) as { result: { vars: { agenttools_html: string } } };
    expect(page.result.vars.agenttools_html).to.include('id="err-certificate"');
    expect(await certificates().history(agentId)).to.have.length(before);
  });

  it('an upload changed on its way to the module is refused by the signature; the same request unchanged is filed', async () => {
    setup({ settings: { ...bridgeSettings, module_url: `http://127.0.0.1:${portOf(capture)}` } });
    captured.length = 0;
    const pdf = tinyPdf();
    expect((await upload(pdf, 'signed.pdf')).status).to.equal(303);
    expect(captured).to.have.length(1);
    const sent = captured[0]!;
    expect(sent.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    const names = ['webhook-id', 'webhook-timestamp', 'webhook-signature', IDENTITY_HEADER, 'content-type'];
    const headers = Object.fromEntries(names.map((n) => [n, String(sent.headers[n])]));
    const replay = (body: string) => fetch(`${bridgeSettings.module_url}${sent.url}`, { method: 'POST', headers, body, redirect: 'manual' });
    const original = sent.body.toString('latin1');
    const before = (await certificates().history(agentId)).length;

    // Another name for the file; other bytes (a PDF still: "%PDF-2" for "%PDF-1").
    const renamed = original.replace('signed.pdf', 'innocent.pdf');
    const start = tinyPdf().toString('base64url').slice(0, 8);
    const rewritten = original.replace(start, Buffer.from('%PDF-2').toString('base64url'));
    for (const tampered of [renamed, rewritten]) {
      expect(tampered).to.not.equal(original);
      expect((await replay(tampered)).status).to.equal(401);
    }
    expect(await certificates().history(agentId)).to.have.length(before);

    const res = await replay(original);
    expect(res.status).to.equal(303);
    expect(await certificates().onFile(agentId)).to.deep.include({ fileName: 'signed.pdf', sha256: sha256(pdf) });
  });

  it("the language sent is the client's own, else the session's when it is not WHMCS's default, else none", async () => {
    const moduleUrl = `http://127.0.0.1:${portOf(capture)}`;
    const cases: { client: string; session?: string; system: string; sent: string | null }[] = [
      { client: 'Russian', session: 'english', system: 'english', sent: 'russian' },
      { client: '', session: 'english', system: 'English', sent: null },
      { client: '', session: 'swahili', system: 'english', sent: 'swahili' },
      { client: '', system: 'english', sent: null },
    ];
    for (const c of cases) {
      const session = c.session === undefined ? { uid: 1, userid: 1 } : { uid: 1, userid: 1, Language: c.session };
      setup({
        settings: { ...bridgeSettings, module_url: moduleUrl },
        localapi: { GetClientsDetails: { ...alice, client: { ...alice.client, language: c.client } } },
        session,
        system_language: c.system,
      });
      captured.length = 0;
      expect((await fetch(`${phpUrl}/index.php?m=agenttools`)).status).to.equal(200);
      const identity = JSON.parse(Buffer.from(String(captured[0]!.headers[IDENTITY_HEADER]), 'base64').toString('utf8')) as { language: string | null };
      expect(identity.language, JSON.stringify(c)).to.equal(c.sent);
    }
  });
});

/**
 * BridgeHttp alone: a signed request made here, as the addon makes it, with uploads well and
 * badly formed in their reserved fields.
 */
describe('BridgeHttp reads uploads from the signed form', () => {
  const secret = newSecret();
  const bridgeHttp = new BridgeHttp('https://billing.example.com');
  let server: Server;
  let base: string;

  before(async () => {
    const app = express();
    const sources = { signing: () => Promise.resolve([{ id: 1, name: 'whmcs', secret }]) };
    app.use('/index.php', ...bridgeHttp.signedPages(sources, systemClock, new MemoryLogger()));
    app.post('/index.php', (req, res) => {
      const file = (field: string) => {
        const f = bridgeHttp.uploadedFile(req, field);
        return f ? { name: f.name, mime: f.mime, sha256: sha256(f.data) } : null;
      };
      res.json({ body: req.body as unknown, certificate: file('certificate'), image: file('image') });
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${portOf(server)}`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const post = (form: Record<string, string>) => {
    const identity = Buffer.from(JSON.stringify({ area: 'client', client_id: 1, user_id: 1, email: 'a@example.com', name: 'A', csrf: TOKEN })).toString('base64');
    const body = new URLSearchParams(form).toString();
    const target = '/index.php?m=agenttools&action=x';
    const id = `page_${crypto.randomBytes(6).toString('hex')}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(secret, id, timestamp, `${identity}\nPOST ${target}\n${body}`);
    return fetch(`${base}${target}`, {
      method: 'POST',
      headers: { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature, [IDENTITY_HEADER]: identity, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  };
  type Answer = { body: Record<string, string>; certificate: { name: string; mime: string; sha256: string } | null; image: unknown };

  it('decodes a well-formed upload and keeps it out of the form values', async () => {
    const pdf = tinyPdf();
    const res = await post({ _csrf: TOKEN, note: 'kept', [`${FILE_FIELD_PREFIX}certificate`]: JSON.stringify({ name: 'c.pdf', type: 'application/pdf', data: pdf.toString('base64url') }) });
    expect(res.status).to.equal(200);
    const answer = (await res.json()) as Answer;
    expect(answer.body).to.deep.equal({ _csrf: TOKEN, note: 'kept' });
    expect(answer.certificate).to.deep.equal({ name: 'c.pdf', mime: 'application/pdf', sha256: sha256(pdf) });
    expect(answer.image).to.equal(null);
  });

  it('counts a malformed upload field as no file, and still keeps it out of the form', async () => {
    const data = tinyPdf().toString('base64url');
    const malformed = [
      'not json',
      JSON.stringify({ name: 'c.pdf', type: 'application/pdf' }),
      JSON.stringify({ name: 'c.pdf', type: 'application/pdf', data: tinyPdf().toString('base64') + '+/' }),
      JSON.stringify({ name: 'c.pdf', type: 'application/pdf', data: 'QUJDR' }),
      JSON.stringify({ name: 'c.pdf', type: 'application/pdf', data: '' }),
      JSON.stringify({ name: 7, type: 'application/pdf', data }),
      JSON.stringify([data]),
    ];
    for (const value of malformed) {
      const res = await post({ _csrf: TOKEN, [`${FILE_FIELD_PREFIX}certificate`]: value });
      expect(res.status, value).to.equal(200);
      const answer = (await res.json()) as Answer;
      expect(answer.certificate, value).to.equal(null);
      expect(answer.body, value).to.deep.equal({ _csrf: TOKEN });
    }
  });
});
