import crypto from 'node:crypto';
import { expect } from 'chai';
import type { Response as SuperAgentResponse } from 'superagent';
import { onEachDatabase } from './support/databases';
import { type Fixture, csrfFrom, PASSWORD, session, startHost, type Session } from './support/host-fixture';
import { SVG, jpeg, png } from './support/test-images';
import { tinyPdf } from './support/tiny-pdf';
import { T } from '../module/db/tables';
import { RuleError } from '../module/core/errors';
import type { Services } from '../module/agenttools/services';
import { MAX_CERTIFICATE_BYTES, checkCertificate, downloadName, sniffCertificate } from '../module/tax/certificate-file';
import { chooseRate, taxRulesDefinition } from '../module/tax/tax-rules';
import { viewHelpers } from '../module/http/render';

// The documents as an English reader gets them.
const EN = viewHelpers('english', '');

const AREA = '/index.php?m=agenttools';
const ADMIN = '/admin/addonmodules.php?module=agenttools';
const PROFILE = `${AREA}&action=taxProfile`;
const UPLOAD = `${AREA}&action=uploadExemptionCertificate`;
const DOWNLOAD = `${AREA}&action=exemptionCertificateFile`;
const ADMIN_DOWNLOAD = `${ADMIN}&action=exemptionCertificateFile`;

/** A USD program that keeps 20 % by default and nothing under a valid exemption with its certificate on file. */
const TAXED = {
  slug: 'taxed',
  name: 'Taxed Partners',
  terms_version: 1,
  currency: 'USD',
  timezone: 'UTC',
  cookie_days: 30,
  hold_days: 0,
  withholding_tax_bp: 2000,
  tax: { exempt_with_certificate: true },
  rules: [{ id: 'all', rate_bp: 1000 }],
  payout: { thresholds: { USD: '10.00' } },
};

const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

/** supertest's parser for a body kept as bytes. */
function binary(res: SuperAgentResponse, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

async function agentOf(f: Fixture, email: string, firstname: string, programId: number): Promise<{ id: number; clientId: number; s: Session }> {
  const visitor = await session(f.host);
  await visitor.post('/register', '/register', { firstname, lastname: 'Agent', email, password: PASSWORD, currency: 'USD' });
  const clientId = Number((await f.host.db('host_clients').where({ email }).first()).id);
  const agent = await f.host.agentTools.services.agents.activateForClient(clientId, programId);
  return { id: agent.id, clientId, s: await session(f.host, { email }) };
}

/** A paid payout of `amountText` for the agent, from a manual commission released at once; its tax row. */
async function paidPayout(services: Services, agentId: number, amountText: string, key: string) {
  await services.manualCommissions.addManual(agentId, amountText, 'certificate test', key);
  await services.releases.releaseDue();
  const agent = (await services.agents.get(agentId))!;
  const w = await services.withdrawals.request(agent, (await services.programs.get(agent.programId))!, amountText);
  const paid = await services.withdrawals.markPaid(w.id, 1);
  return { amount: paid.amount, taxBp: paid.taxBp, tax: paid.tax, id: w.id };
}

describe('exemption certificates: what a file is, read from its bytes', () => {
  it('PDF, PNG and JPEG are known by their first bytes, whatever the name; HTML, SVG and text behind a space are not', () => {
    expect(sniffCertificate(tinyPdf())).to.equal('application/pdf');
    expect(sniffCertificate(png(10, 10))).to.equal('image/png');
    expect(sniffCertificate(jpeg(10, 10))).to.equal('image/jpeg');
    expect(sniffCertificate(SVG)).to.equal(null);
    expect(sniffCertificate(Buffer.from('<!doctype html><script>alert(1)</script>'))).to.equal(null);
    expect(sniffCertificate(Buffer.from(' %PDF-1.4'))).to.equal(null);
  });

  it('an empty file, none, and one byte over 5 MB are refused beside the field with their reasons; exactly 5 MB is taken', () => {
    const refusal = (file: { name: string; data: Buffer } | null) => {
      try {
        checkCertificate(file);
      } catch (e) {
        expect(e).to.be.instanceOf(RuleError);
        expect((e as RuleError).field).to.equal('certificate');
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refusal(null)).to.equal('Choose the certificate file to upload.');
    expect(refusal({ name: 'a.pdf', data: Buffer.alloc(0) })).to.equal('The file is empty. Choose the certificate itself.');
    const over = Buffer.concat([tinyPdf(), Buffer.alloc(MAX_CERTIFICATE_BYTES + 1 - tinyPdf().length, 0x20)]);
    expect(over.length).to.equal(5_242_881);
    // 5,242,881 bytes are 5.0000009 MiB: shown rounded up to 5.1 MB.
    expect(refusal({ name: 'a.pdf', data: over })).to.equal('The file is 5.1 MB; a certificate may be at most 5 MB.');
    expect(refusal({ name: 'a.pdf', data: SVG })).to.equal('The file is not a PDF, PNG or JPEG. Upload the certificate in one of these formats.');
    expect(checkCertificate({ name: 'big.pdf', data: over.subarray(0, MAX_CERTIFICATE_BYTES) }).mime).to.equal('application/pdf');
  });

  it('a download is offered under the name filed, with the extension of what the file is', () => {
    expect(downloadName('KRA exemption.pdf', 'application/pdf')).to.equal('KRA exemption.pdf');
    expect(downloadName('scan.JPEG', 'image/jpeg')).to.equal('scan.JPEG');
    expect(downloadName('certificate.html', 'image/png')).to.equal('certificate.html.png');
    expect(downloadName('', 'application/pdf')).to.equal('certificate.pdf');
    // The name is kept as given, less any folders and control characters.
    expect(checkCertificate({ name: 'C:\\Users\\ann\\kra\r\n.pdf', data: tinyPdf() }).fileName).to.equal('kra.pdf');
    expect(checkCertificate({ name: '../../etc/passwd', data: tinyPdf() }).fileName).to.equal('passwd');
    expect(checkCertificate({ name: '\u0000', data: tinyPdf() }).fileName).to.equal('certificate');
  });

  it('the rules: a valid exemption counts only with a certificate on file', () => {
    const rules = taxRulesDefinition.parse({ rates: [{ residency: 'KE', bp: 500 }], exempt_with_certificate: true });
    const profile = { residency: 'KE', legalStatus: 'individual' as const, exemptionRef: 'KRA-EX-1', exemptionValidUntil: '2026-06-30' };
    expect(chooseRate(2000, rules, profile, '2026-06-30', null)).to.deep.equal({ rateBp: 500, basis: { key: 'tax.basis.residency', vars: { residency: 'KE', status: 'individual', rate: 500 } } });
    expect(chooseRate(2000, rules, profile, '2026-06-30', { id: 7, fileName: 'kra.pdf' })).to.deep.equal({
      rateBp: 0,
      basis: { key: 'tax.basis.exempt_filed', vars: { residency: 'KE', status: 'individual', rate: 0, reference: 'KRA-EX-1', until: '2026-06-30', certificate_id: 7, certificate: 'kra.pdf' } },
    });
    expect(chooseRate(2000, rules, profile, '2026-07-01', { id: 7, fileName: 'kra.pdf' }).rateBp).to.equal(500);
  });
});

onEachDatabase('exemption certificates: the agent files one, downloads it; the admin sees and downloads; withholding reads it', ({ current }) => {
  let f: Fixture;
  let services: Services;
  let ann: { id: number; clientId: number; s: Session };
  let ben: { id: number; clientId: number; s: Session };
  let admin: Session;
  let firstId: number;
  let secondId: number;
  const pdf = tinyPdf();
  const scan = png(40, 30);
  const count = async () => Number((await current().db(T.taxDocuments).count({ n: '*' }))[0]!.n);

  /** A multipart POST as the profile page's upload form sends it; `token` null sends none. */
  async function upload(s: Session, file: { data: Buffer; name: string; type: string } | null, token?: string | null) {
    const req = s.agent.post(UPLOAD);
    if (token !== null) req.field('_csrf', token ?? csrfFrom((await s.agent.get(PROFILE)).text));
    if (file) req.attach('certificate', file.data, { filename: file.name, contentType: file.type });
    else req.field('note', 'no file');
    return req;
  }

  before(async () => {
    f = await startHost(current().db, '2026-03-10T12:00:00Z');
    services = f.host.agentTools.services;
    const program = (await services.programs.load(TAXED)).program;
    ann = await agentOf(f, 'ann@example.com', 'Ann', program.id);
    ben = await agentOf(f, 'ben@example.com', 'Ben', program.id);
    admin = await session(f.host, { admin: true });
  });
  after(() => f.host.stop());

  it('an upload is refused by GET, without the CSRF token, and from a client who is no agent; nothing is stored', async () => {
    const file = { data: pdf, name: 'kra.pdf', type: 'application/pdf' };
    expect((await ann.s.agent.get(UPLOAD)).status).to.equal(405);
    expect((await upload(ann.s, file, null)).status).to.equal(403);
    expect((await upload(ann.s, file, 'x'.repeat(40))).status).to.equal(403);
    const visitor = await session(f.host);
    await visitor.post('/register', '/register', { firstname: 'Cleo', lastname: 'Client', email: 'cleo@example.com', password: PASSWORD, currency: 'USD' });
    const cleo = await session(f.host, { email: 'cleo@example.com' });
    const asClient = await upload(cleo, file, csrfFrom((await cleo.agent.get('/clientarea')).text));
    expect(asClient.status).to.equal(422);
    expect(asClient.text).to.contain('Your account is not an agent account.');
    // A file sent by an agent to a client-area form that takes none is refused by the host, and its log says who sent it.
    const elsewhere = await ann.s.agent
      .post(`${AREA}&action=saveTaxProfile`)
      .field('_csrf', csrfFrom((await ann.s.agent.get(PROFILE)).text))
      .attach('certificate', pdf, { filename: 'kra.pdf', contentType: 'application/pdf' });
    expect(elsewhere.status).to.equal(403);
    expect(f.logger.lines.filter((l) => l.message.startsWith('refused: an upload')).map((l) => l.message)).to.deep.equal(['refused: an upload from a signed-in client, to a form that takes no file']);
    expect(await count()).to.equal(0);
  });

  it('HTML named .pdf, SVG, no file, an empty file and one over 5 MB are refused beside the field (422), the page kept', async () => {
    const html = await upload(ann.s, { data: Buffer.from('<html><script>alert(1)</script></html>'), name: 'kra.pdf', type: 'application/pdf' });
    expect(html.status).to.equal(422);
    expect(html.text).to.contain('The certificate was not uploaded.').and.contain('The file is not a PDF, PNG or JPEG.');
    expect(html.text).to.match(/id="certificate"[^>]*aria-invalid="true" aria-describedby="err-certificate"/);
    const svg = await upload(ann.s, { data: SVG, name: 'kra.svg', type: 'image/svg+xml' });
    expect([svg.status, svg.text.includes('The file is not a PDF, PNG or JPEG.')]).to.deep.equal([422, true]);
    const none = await upload(ann.s, null);
    expect([none.status, none.text.includes('Choose the certificate file to upload.')]).to.deep.equal([422, true]);
    // The host hands an empty file input over as no file at all.
    const empty = await upload(ann.s, { data: Buffer.alloc(0), name: 'kra.pdf', type: 'application/pdf' });
    expect([empty.status, empty.text.includes('Choose the certificate file to upload.')]).to.deep.equal([422, true]);
    // 5.5 MiB (5,767,168 bytes) reaches the module, which names its own limit beside the field.
    const big = await upload(ann.s, { data: Buffer.concat([pdf, Buffer.alloc(5.5 * 1024 * 1024 - pdf.length, 0x20)]), name: 'kra.pdf', type: 'application/pdf' });
    expect(big.status).to.equal(422);
    expect(big.text).to.contain('The file is 5.5 MB; a certificate may be at most 5 MB.');
    // Over 6 MiB a client's upload is not read at all: the host stops it (413), under the admins' 8 MiB.
    const huge = await upload(ann.s, { data: Buffer.concat([pdf, Buffer.alloc(6 * 1024 * 1024, 0x20)]), name: 'kra.pdf', type: 'application/pdf' });
    expect(huge.status).to.equal(413);
    expect(huge.text).to.contain('The file is too large: uploads may be at most 6 MiB.');
    expect(await count()).to.equal(0);
  });

  it('a PDF sent as text/plain is filed as application/pdf with its name, size, SHA-256, bytes and who sent it (303); the page shows it', async () => {
    f.clock.set('2026-03-11T09:30:00Z');
    const res = await upload(ann.s, { data: pdf, name: 'KRA exemption.pdf', type: 'text/plain' });
    expect([res.status, res.headers.location]).to.deep.equal([303, `${PROFILE}&done=certificate`]);
    const rows = await current().db(T.taxDocuments).where({ agent_id: ann.id });
    expect(rows).to.have.length(1);
    const r = rows[0];
    firstId = Number(r.id);
    // Ann's profile names no exemption: the file is the certificate of none (yet).
    expect([r.exemption_ref, r.exemption_valid_until]).to.deep.equal([null, null]);
    expect([r.kind, r.file_name, r.mime, Number(r.size), r.sha256, Number(r.uploaded_at), r.uploaded_by]).to.deep.equal([
      'exemption_certificate',
      'KRA exemption.pdf',
      'application/pdf',
      pdf.length,
      sha256(pdf),
      Date.parse('2026-03-11T09:30:00Z'),
      `agent:${ann.clientId}`,
    ]);
    expect(Buffer.from(r.data).equals(pdf)).to.equal(true);
    const page = await ann.s.agent.get(`${PROFILE}&done=certificate`);
    expect(page.text).to.contain('Your exemption certificate was uploaded and is now the one on file.');
    // A few hundred bytes are 1 KB, rounded up.
    expect(page.text).to.contain('On file: KRA exemption.pdf (PDF, 1 KB), uploaded on 2026-03-11.');
  });

  it('a new upload replaces it: the PNG is the one on file, the PDF is kept with its bytes; both download, each with its own type', async () => {
    f.clock.set('2026-03-12T08:00:00Z');
    const res = await upload(ann.s, { data: scan, name: 'scan.png', type: 'application/octet-stream' });
    expect(res.status).to.equal(303);
    expect(await count()).to.equal(2);
    const onFile = (await services.exemptionCertificates.onFile(ann.id))!;
    secondId = onFile.id;
    expect([onFile.fileName, onFile.mime, onFile.size, onFile.sha256]).to.deep.equal(['scan.png', 'image/png', scan.length, sha256(scan)]);
    expect((await services.exemptionCertificates.history(ann.id)).map((c) => c.id)).to.deep.equal([secondId, firstId]);
    expect((await services.exemptionCertificates.withBytes(firstId))!.data.equals(pdf)).to.equal(true);

    const latest = await ann.s.agent.get(DOWNLOAD).buffer(true).parse(binary);
    expect(latest.status).to.equal(200);
    expect([latest.headers['content-type'], latest.headers['content-disposition'], latest.headers['x-content-type-options']]).to.deep.equal(['image/png', 'attachment; filename=scan.png', 'nosniff']);
    expect((latest.body as Buffer).equals(scan)).to.equal(true);
    const older = await ann.s.agent.get(`${DOWNLOAD}&id=${firstId}`).buffer(true).parse(binary);
    expect([older.status, older.headers['content-type'], older.headers['content-disposition']]).to.deep.equal([200, 'application/pdf', 'attachment; filename="KRA exemption.pdf"']);
    expect((older.body as Buffer).equals(pdf)).to.equal(true);
  });

  it('another agent cannot download it: Ann’s certificate by its id is not there for Ben (404), nor is one of his own; anonymous goes to the login', async () => {
    const byId = await ben.s.agent.get(`${DOWNLOAD}&id=${secondId}`);
    expect(byId.status).to.equal(404);
    expect(byId.text).to.contain('There is no such certificate.');
    expect(byId.headers['content-type']).to.match(/^text\/html/);
    expect((await ben.s.agent.get(DOWNLOAD)).status).to.equal(404);
    expect((await ann.s.agent.get(`${DOWNLOAD}&id=nope`)).status).to.equal(404);
    expect((await (await session(f.host)).agent.get(`${DOWNLOAD}&id=${secondId}`)).status).to.equal(302);
    // The admin's address is not the agent's way round it.
    expect((await ben.s.agent.get(`${ADMIN_DOWNLOAD}&id=${secondId}`)).status).to.equal(302);
  });

  it('the admin sees both on the agent’s tax page, the latest on file, and downloads either; an id that is none is 404', async () => {
    const page = await admin.agent.get(`${ADMIN}&action=agentTax&id=${ann.id}`);
    expect(page.status).to.equal(200);
    const table = /data-testid="certificate-history"[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(table.indexOf('scan.png')).to.be.lessThan(table.indexOf('KRA exemption.pdf'));
    expect(table)
      .to.contain(`exemptionCertificateFile&id=${secondId}"`)
      .and.contain(`exemptionCertificateFile&id=${firstId}"`)
      .and.contain('On file')
      .and.contain('Replaced')
      .and.contain(`agent:${ann.clientId}`);
    const res = await admin.agent.get(`${ADMIN_DOWNLOAD}&id=${firstId}`).buffer(true).parse(binary);
    expect([res.status, res.headers['content-type'], res.headers['content-disposition'], res.headers['x-content-type-options']]).to.deep.equal([
      200,
      'application/pdf',
      'attachment; filename="KRA exemption.pdf"',
      'nosniff',
    ]);
    expect((res.body as Buffer).equals(pdf)).to.equal(true);
    expect((await admin.agent.get(`${ADMIN_DOWNLOAD}&id=999999`)).status).to.equal(404);
    expect((await admin.agent.get(ADMIN_DOWNLOAD)).status).to.equal(404);
  });

  it('withholding: Ben’s exemption without its certificate keeps 20 % (USD 20.00 of USD 100.00); filed, nothing; after its last day, 20 % again', async () => {
    f.clock.set('2026-03-20T10:00:00Z');
    await services.taxProfiles.save(ben.id, { legal_status: 'individual', residency: 'UG', exemption_ref: 'URA-EX-77', exemption_valid_until: '2026-03-31' }, 'agent:test');
    const page = await ben.s.agent.get(PROFILE);
    expect(page.text).to.contain('data-testid="certificate-missing"').and.contain('Your exemption does not count yet');
    // An exemption of before this release, with no certificate: the admin reads that tax is withheld until it is filed.
    expect((await admin.agent.get(`${ADMIN}&action=agentTax&id=${ben.id}`)).text).to.contain(
      'The profile names exemption URA-EX-77, but no certificate is on file: the exemption does not count, and tax is withheld from this agent’s payouts until the agent uploads the certificate on their tax page.',
    );
    const unfiled = await paidPayout(services, ben.id, '100.00', 'b1');
    // 20 % of 10,000 cents.
    expect([unfiled.amount, unfiled.taxBp, unfiled.tax]).to.deep.equal([10_000, 2000, 2000]);
    expect(JSON.parse((await current().db(T.withdrawals).where({ id: unfiled.id }).first()).tax_basis).key).to.equal('tax.basis.default');

    expect((await upload(ben.s, { data: jpeg(20, 20), name: 'ura.jpg', type: 'image/jpeg' })).status).to.equal(303);
    const filed = (await services.exemptionCertificates.onFile(ben.id))!;
    expect([filed.mime, filed.exemptionRef, filed.exemptionValidUntil]).to.deep.equal(['image/jpeg', 'URA-EX-77', '2026-03-31']);
    expect((await ben.s.agent.get(PROFILE)).text).not.to.contain('data-testid="certificate-missing"');
    const exempt = await paidPayout(services, ben.id, '100.00', 'b2');
    expect([exempt.amount, exempt.taxBp, exempt.tax]).to.deep.equal([10_000, 0, 0]);
    const basis = JSON.parse((await current().db(T.withdrawals).where({ id: exempt.id }).first()).tax_basis);
    expect(basis).to.deep.equal({
      key: 'tax.basis.exempt_filed',
      vars: { residency: 'UG', status: 'individual', rate: 0, reference: 'URA-EX-77', until: '2026-03-31', certificate_id: filed.id, certificate: 'ura.jpg' },
    });
    expect(services.taxDocuments.explain(basis, EN)).to.equal('No tax was kept back: exemption certificate URA-EX-77, valid until 2026-03-31, is on file (ura.jpg).');

    f.clock.set('2026-04-01T00:00:00Z');
    const expired = await paidPayout(services, ben.id, '100.00', 'b3');
    expect([expired.taxBp, expired.tax]).to.deep.equal([2000, 2000]);
  });

  it('a file of exactly 5 MB is taken and comes back byte for byte (a MEDIUMBLOB on MariaDB)', async () => {
    const full = Buffer.concat([pdf, crypto.randomBytes(MAX_CERTIFICATE_BYTES - pdf.length)]);
    expect((await upload(ann.s, { data: full, name: 'full.pdf', type: 'application/pdf' })).status).to.equal(303);
    const res = await ann.s.agent.get(DOWNLOAD).buffer(true).parse(binary);
    expect([res.status, (res.body as Buffer).length, sha256(res.body as Buffer)]).to.deep.equal([200, 5_242_880, sha256(full)]);
    expect(await count()).to.equal(4);
    if (current().kind === 'mariadb') {
      const [cols] = (await current().db.raw("select data_type as t from information_schema.columns where table_schema = database() and table_name = ? and column_name = 'data'", [
        T.taxDocuments,
      ])) as [{ t: string }[]];
      expect(cols.map((c) => c.t.toLowerCase())).to.deep.equal(['mediumblob']);
    }
  });

  it('an old certificate does not make a new exemption count: a new number, or a new last day, keeps 20 % until its certificate is filed; the pages say so', async () => {
    // 2026-04-01: Ben's URA-EX-77 ended yesterday; its certificate (ura.jpg) is still the one on file.
    const old = (await services.exemptionCertificates.onFile(ben.id))!;
    await services.taxProfiles.save(ben.id, { legal_status: 'individual', residency: 'UG', exemption_ref: 'URA-EX-78', exemption_valid_until: '2026-12-31' }, `agent:${ben.clientId}`);
    const newNumber = await paidPayout(services, ben.id, '100.00', 'b4');
    // 20 % of 10,000 cents: the file on file is URA-EX-77's, not URA-EX-78's.
    expect([newNumber.taxBp, newNumber.tax]).to.deep.equal([2000, 2000]);
    expect(JSON.parse((await current().db(T.withdrawals).where({ id: newNumber.id }).first()).tax_basis).key).to.equal('tax.basis.default');
    const page = await ben.s.agent.get(PROFILE);
    expect(page.text)
      .to.contain('data-testid="certificate-missing"')
      .and.contain('No certificate is on file for exemption URA-EX-78, valid until 2026-12-31: the file on file was uploaded for another exemption, or before this one was entered.');
    const adminPage = await admin.agent.get(`${ADMIN}&action=agentTax&id=${ben.id}`);
    expect(adminPage.text)
      .to.contain('No certificate is on file for exemption URA-EX-78, valid until 2026-12-31')
      .and.contain('tax is withheld from this agent’s payouts until the agent uploads its certificate on their tax page.')
      .and.contain('URA-EX-77, valid until 2026-03-31');

    // The same number with a later last day is a renewal: the old file does not cover it either.
    await services.taxProfiles.save(ben.id, { legal_status: 'individual', residency: 'UG', exemption_ref: 'URA-EX-77', exemption_valid_until: '2026-12-31' }, `agent:${ben.clientId}`);
    expect((await paidPayout(services, ben.id, '100.00', 'b5')).tax).to.equal(2000);

    // Back to URA-EX-78; its certificate uploaded: nothing kept back, the new file in the basis.
    await services.taxProfiles.save(ben.id, { legal_status: 'individual', residency: 'UG', exemption_ref: 'URA-EX-78', exemption_valid_until: '2026-12-31' }, `agent:${ben.clientId}`);
    expect((await upload(ben.s, { data: tinyPdf(), name: 'ura-78.pdf', type: 'application/pdf' })).status).to.equal(303);
    const renewed = (await services.exemptionCertificates.onFile(ben.id))!;
    expect([renewed.id > old.id, renewed.exemptionRef, renewed.exemptionValidUntil]).to.deep.equal([true, 'URA-EX-78', '2026-12-31']);
    expect((await ben.s.agent.get(PROFILE)).text).not.to.contain('data-testid="certificate-missing"');
    const exempt = await paidPayout(services, ben.id, '100.00', 'b6');
    expect([exempt.taxBp, exempt.tax]).to.deep.equal([0, 0]);
    expect(JSON.parse((await current().db(T.withdrawals).where({ id: exempt.id }).first()).tax_basis).vars).to.deep.include({
      reference: 'URA-EX-78',
      certificate_id: renewed.id,
      certificate: 'ura-78.pdf',
    });
    expect((await admin.agent.get(`${ADMIN}&action=agentTax&id=${ben.id}`)).text).not.to.contain('data-testid="certificate-missing"');
  });

  it('a Russian reader’s refusal on the tax profile form is in Russian, with the field marked', async () => {
    await ben.s.agent.get(`${PROFILE}&language=russian`);
    const refused = await ben.s.post(PROFILE, `${AREA}&action=saveTaxProfile`, { legal_status: 'individual', residency: 'KE', tax_id: '12345' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.contain('KRA PIN состоит из буквы A или P, девяти цифр и буквы, например A123456789Z.').and.not.contain('A KRA PIN is a letter A or P');
    expect(refused.text).to.match(/id="tax_id"[^>]*aria-invalid="true" aria-describedby="err-tax_id"/);
    await ben.s.agent.get(`${PROFILE}&language=english`);
  });
});
