import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from '../support/databases';
import { type Fixture, PASSWORD, session, startHost, type Session } from '../support/host-fixture';
import { pdfText } from '../support/pdf-text';
import { tinyPdf } from '../support/tiny-pdf';
import { T } from '../../module/db/tables';
import type { Services } from '../../module/agenttools/services';
import type { Response as SuperAgentResponse } from 'superagent';

const AREA = '/index.php?m=agenttools';
const ADMIN = '/admin/addonmodules.php?module=agenttools';

/** A USD program that keeps 20 % by default, 15 % from German residents, nothing under a valid exemption. */
const TAXED = {
  slug: 'taxed',
  name: 'Taxed Partners',
  terms_version: 1,
  currency: 'USD',
  timezone: 'UTC',
  cookie_days: 30,
  hold_days: 0,
  withholding_tax_bp: 2000,
  tax: { rates: [{ residency: 'DE', bp: 1500 }], exempt_with_certificate: true },
  rules: [{ id: 'all', rate_bp: 1000 }],
  payout: { thresholds: { USD: '10.00' } },
};

/** A page's form fields as the browser would send them, with the page's CSRF token. */
async function agentOf(f: Fixture, email: string, firstname: string, programId: number): Promise<{ id: number; s: Session }> {
  const visitor = await session(f.host);
  await visitor.post('/register', '/register', { firstname, lastname: 'Agent', email, password: PASSWORD, currency: 'USD' });
  const clientId = Number((await f.host.db('host_clients').where({ email }).first()).id);
  const agent = await f.host.agentTools.services.agents.activateForClient(clientId, programId);
  return { id: agent.id, s: await session(f.host, { email }) };
}

/** A paid payout of `amountText` for the agent, from a manual commission released at once. */
async function paidPayout(services: Services, agentId: number, amountText: string, key: string): Promise<number> {
  await services.manualCommissions.addManual(agentId, amountText, 'tax pages test', key);
  await services.releases.releaseDue();
  const agent = (await services.agents.get(agentId))!;
  const w = await services.withdrawals.request(agent, (await services.programs.get(agent.programId))!, amountText);
  await services.withdrawals.markPaid(w.id, 1);
  return w.id;
}

onEachDatabase('tax pages: the agent’s profile, statements, certificates and the provider’s report', ({ current }) => {
  let f: Fixture;
  let services: Services;
  let ann: { id: number; s: Session };
  let ben: { id: number; s: Session };
  let admin: Session;
  let annPayout: number;

  before(async () => {
    f = await startHost(current().db, '2026-03-10T12:00:00Z');
    services = f.host.agentTools.services;
    const program = (await services.programs.load(TAXED)).program;
    ann = await agentOf(f, 'ann@example.com', 'Ann', program.id);
    // A name a spreadsheet would run as a formula: the report must write it as text.
    ben = await agentOf(f, 'ben@example.com', '=HYPERLINK("http://evil.example")', program.id);
    admin = await session(f.host, { admin: true });
    await services.settings.set('tax_provider_name', 'Billing Test GmbH');
  });
  after(() => f.host.stop());

  it('the agent’s tax profile page shows the form; a KRA PIN of the wrong shape is refused beside its field (422) and nothing is saved', async () => {
    const page = await ann.s.agent.get(`${AREA}&action=taxProfile`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('name="legal_status"').and.include('name="tax_id"').and.include('name="exemption_valid_until"');
    const refused = await ann.s.post(`${AREA}&action=taxProfile`, `${AREA}&action=saveTaxProfile`, { legal_status: 'individual', residency: 'KE', tax_id: 'A12345678Z' });
    expect(refused.status).to.equal(422);
    expect(refused.text).to.include('id="form-errors"').and.include('A KRA PIN is a letter A or P, nine digits and a letter, such as A123456789Z.');
    expect(refused.text).to.match(/id="tax_id"[^>]*value="A12345678Z"[^>]*aria-invalid="true" aria-describedby="err-tax_id"/);
    const badInn = await ann.s.post(`${AREA}&action=taxProfile`, `${AREA}&action=saveTaxProfile`, { legal_status: 'company', residency: 'RU', tax_id: '7707083894' });
    expect(badInn.status).to.equal(422);
    expect(badInn.text).to.include('This INN’s check digits are wrong: please check it.');
    expect(await services.taxProfiles.forAgent(ann.id)).to.equal(null);
  });

  it('a good profile is saved (303) and logged with who saved it; the admin’s change is logged with the profile before it', async () => {
    const saved = await ann.s.post(`${AREA}&action=taxProfile`, `${AREA}&action=saveTaxProfile`, { legal_status: 'individual', residency: 'de', tax_id: '+49 12/345/67890' });
    expect([saved.status, saved.headers.location]).to.deep.equal([303, `${AREA}&action=saveTaxProfile`.replace('saveTaxProfile', 'taxProfile') + '&done=saved']);
    expect(await services.taxProfiles.forAgent(ann.id)).to.deep.include({ legalStatus: 'individual', residency: 'DE', taxId: '+49 12/345/67890', exemptionRef: null });
    const byAdmin = await admin.post(`${ADMIN}&action=agentTax&id=${ann.id}`, `${ADMIN}&action=saveAgentTax`, {
      agent_id: ann.id,
      legal_status: 'individual',
      residency: 'DE',
      tax_id: '+49 12/345/67890',
      exemption_ref: 'FA-2026-17',
      exemption_valid_until: '2026-03-31',
    });
    expect([byAdmin.status, byAdmin.headers.location]).to.deep.equal([303, `${ADMIN}&action=agentTax&id=${ann.id}&done=saved`]);
    // The exemption counts only with the certificate itself on file.
    await services.exemptionCertificates.file(ann.id, { name: 'FA-2026-17.pdf', data: tinyPdf() }, 'agent:test');
    const log = await f.host.db(T.taxProfileLog).where({ agent_id: ann.id }).orderBy('id');
    const annClient = (await services.agents.get(ann.id))!.clientId;
    expect(log.map((r) => r.changed_by)).to.deep.equal([`agent:${annClient}`, 'admin:admin']);
    expect(JSON.parse(log[1].before)).to.deep.include({ exemption_ref: null });
    expect(JSON.parse(log[1].after)).to.deep.include({ exemption_ref: 'FA-2026-17', exemption_valid_until: '2026-03-31' });
    const page = await admin.agent.get(`${ADMIN}&action=agentTax&id=${ann.id}`);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('FA-2026-17').and.include(`agent:${annClient}`);
  });

  it('payouts: Ann, exempt until 31 March, is paid USD 100.00 whole on 10 March and keeps 15 % (USD 15.00 of USD 100.00) on 1 April; Ben, with no profile, 20 % (USD 10.01 of USD 50.05)', async () => {
    annPayout = await paidPayout(services, ann.id, '100.00', 'a1');
    f.clock.set('2026-04-01T08:00:00Z');
    const taxed = await paidPayout(services, ann.id, '100.00', 'a2');
    const benPayout = await paidPayout(services, ben.id, '50.05', 'b1');
    const rows = await f.host.db(T.withdrawals).whereIn('id', [annPayout, taxed, benPayout]).orderBy('id');
    // 20 % of 5,005 cents is 1,001 cents.
    expect(rows.map((r) => [Number(r.amount_minor), Number(r.tax_bp), Number(r.tax_minor)])).to.deep.equal([
      [10_000, 0, 0],
      [10_000, 1500, 1500],
      [5005, 2000, 1001],
    ]);
  });

  it('a statement is the payout’s own agent’s (PDF) and the admin’s; another agent is told it does not exist (404)', async () => {
    const own = await ann.s.agent.get(`${AREA}&action=payoutStatement&id=${annPayout}`).buffer(true).parse(binary);
    expect([own.status, own.headers['content-type']]).to.deep.equal([200, 'application/pdf']);
    const text = await pdfText(own.body as Buffer);
    expect(text).to.include(`Self-billing statement SB-${String(annPayout).padStart(6, '0')}`);
    expect(text).to.include('No tax was kept back: exemption certificate FA-2026-17, valid until 2026-03-31, is on file (FA-2026-17.pdf).');
    expect((await ben.s.agent.get(`${AREA}&action=payoutStatement&id=${annPayout}`)).status).to.equal(404);
    expect((await ann.s.agent.get(`${AREA}&action=payoutStatement&id=999999`)).status).to.equal(404);
    const byAdmin = await admin.agent.get(`${ADMIN}&action=payoutStatement&id=${annPayout}`).buffer(true).parse(binary);
    expect([byAdmin.status, byAdmin.headers['content-type']]).to.deep.equal([200, 'application/pdf']);
  });

  it('the certificate of a year is the signed-in agent’s own: Ann’s 2026 lists her two payouts and their totals; a year that is not one is refused (422)', async () => {
    const res = await ann.s.agent.get(`${AREA}&action=taxCertificate&year=2026`).buffer(true).parse(binary);
    expect(res.status).to.equal(200);
    const text = await pdfText(res.body as Buffer);
    expect(text).to.include('Agent: Ann Agent').and.include('Tax id: +49 12/345/67890').and.include('Provider: Billing Test GmbH');
    expect(text).to.include('Total USD 200.00 USD 15.00 USD 185.00');
    expect((await ann.s.agent.get(`${AREA}&action=taxCertificate&year=twenty`)).status).to.equal(422);
    const benOwn = await pdfText((await ben.s.agent.get(`${AREA}&action=taxCertificate&year=2026`).buffer(true).parse(binary)).body as Buffer);
    expect(benOwn).to.not.include('Ann Agent');
  });

  it('the provider’s report of a period is the CSV written by hand, formula cells as text; a bad period is refused (422)', async () => {
    const res = await admin.agent.get(`${ADMIN}&action=taxReport&from=2026-03-01&to=2026-04-30`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    const expected = fs
      .readFileSync(path.resolve(__dirname, '../expected/tax-report-2026-03-04.csv'), 'utf8')
      .replace(/\{ann\}/g, String(annPayout))
      .replace(/\{ann2\}/g, String(annPayout + 1))
      .replace(/\{ben\}/g, String(annPayout + 2));
    expect(res.text).to.equal(expected);
    const march = await admin.agent.get(`${ADMIN}&action=taxReport&from=2026-03-01&to=2026-03-31`);
    expect(march.text.trim().split('\n')).to.have.length(2);
    expect((await admin.agent.get(`${ADMIN}&action=taxReport&from=2026-04-31&to=2026-05-01`)).status).to.equal(422);
    expect((await admin.agent.get(`${ADMIN}&action=taxReport&from=2026-05-01&to=2026-04-01`)).status).to.equal(422);
    expect((await ann.s.agent.get(`${ADMIN}&action=taxReport&from=2026-03-01&to=2026-04-30`)).status).to.equal(302);
  });
});

/** supertest's parser for a body kept as bytes: the response it hands the parser is the HTTP stream. */
function binary(res: SuperAgentResponse, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}
