import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { onEachDatabase } from './support/databases';
import { csrfFrom, type Fixture, session, signUp, startHost, type Session } from './support/host-fixture';
import { T } from '../module/db/tables';
import { readProgramText, type Program } from '../module/programs/program-service';
import { z } from 'zod';
import { parseDefinition, DefinitionError } from '../module/programs/definition';

const AREA = '/index.php?m=agenttools';
const APPLY = `${AREA}&action=apply`;
const SUBMIT = `${AREA}&action=submitApplication`;
const WITHDRAW = `${AREA}&action=withdrawApplication`;
const ADMIN = '/admin/addonmodules.php?module=agenttools';
const QUEUE = `${ADMIN}&action=applications`;
const APPROVE = `${ADMIN}&action=approveApplication`;
const REJECT = `${ADMIN}&action=rejectApplication`;
const EXAMPLES = path.resolve(__dirname, '../examples/programs');
const example = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), 'utf8');

/** A Cloudlessons applicant's answers, as the form sends them: a self-employed person's 12-digit ИНН. */
const OLGA = { program: 'cloudlessons', legal_status: 'self_employed', tax_id: '500100732259', agreement: 'yes' };

/** A seed program file as the object it holds. */
function seedFile(file: string): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(readProgramText(example(file)));
}

describe("a program file's joining section", () => {
  const withJoining = (joining: unknown) => ({ ...seedFile('cloudlessons.yaml'), joining });
  const refusal = (joining: unknown) => {
    try {
      parseDefinition(withJoining(joining));
      return [];
    } catch (e) {
      if (!(e instanceof DefinitionError)) throw e;
      return e.issues;
    }
  };

  it('is closed when absent, and the seed programs declare theirs', () => {
    const { joining: _seeded, ...bare } = seedFile('cloudlessons.yaml');
    expect(parseDefinition(bare).joining).to.equal(undefined);
    const cloudlessons = parseDefinition(readProgramText(example('cloudlessons.yaml'))).joining!;
    expect(cloudlessons.fields.map((f) => [f.key, f.type])).to.deep.equal([
      ['legal_status', 'choice'],
      ['tax_id', 'text'],
      ['agreement', 'agreement'],
    ]);
    expect(parseDefinition(readProgramText(example('cloud-one.yaml'))).joining!.fields.map((f) => f.key)).to.deep.equal(['signature', 'agreement']);
  });

  it('refuses, naming the field, an agreement with no version, an invitation with no code, a bad pattern, a reserved or repeated key', () => {
    expect(refusal({ access: 'open', fields: [{ key: 'agreement', label: 'I agree', type: 'agreement' }] })).to.deep.equal(['joining.agreement_version: required when a field is an agreement']);
    expect(refusal({ access: 'invitation' })).to.deep.equal(['joining.invitation_codes: an invitation-only program needs at least one code']);
    expect(refusal({ access: 'open', fields: [{ key: 'tax_id', label: 'Tax id', type: 'text', pattern: '(\\d' }] })).to.deep.equal(['joining.fields[0].pattern: not a valid regular expression']);
    expect(
      refusal({
        access: 'open',
        fields: [
          { key: 'program', label: 'Program', type: 'text' },
          { key: 'program', label: 'Again', type: 'text' },
        ],
      }),
    ).to.deep.equal(['joining.fields[0].key: "program" is the apply page\'s own', 'joining.fields[1].key: duplicate field key "program"', 'joining.fields[1].key: "program" is the apply page\'s own']);
  });

  it('takes an http or https agreement_url and refuses a javascript: one', () => {
    const open = { access: 'open', agreement_version: '2026-01' };
    expect(refusal({ ...open, agreement_url: 'https://cloudlessons.example/agreement' })).to.deep.equal([]);
    expect(refusal({ ...open, agreement_url: 'javascript:alert(1)' })).to.deep.equal(['joining.agreement_url: an http or https URL']);
  });
});

/** Joining a program from the client area, and the admin's queue of applications. */
onEachDatabase('applications to join a program', ({ current }) => {
  let f: Fixture;
  let admin: Session;
  const programs: Record<string, Program> = {};
  const services = () => f.host.agentTools.services;
  const applicationsOf = (clientId: number) => current().db(T.applications).where({ client_id: clientId }).orderBy('id');

  /** A client signed up through the form and signed in: not an agent. */
  const applicant = async (email: string) => {
    const clientId = await signUp(f.host, await session(f.host), email);
    return { clientId, s: await session(f.host, { email }) };
  };

  /** Cloudlessons under another slug and name, with other joining terms. */
  const variant = (slug: string, name: string, joining: Record<string, unknown>) => {
    const def = seedFile('cloudlessons.yaml');
    const seeded = z.record(z.string(), z.unknown()).parse(def.joining);
    return JSON.stringify({ ...def, slug, name, joining: { ...seeded, ...joining } });
  };

  before(async () => {
    f = await startHost(current().db);
    admin = await session(f.host, { admin: true });
    for (const definition of [
      example('cloudlessons.yaml'),
      example('cloud-one.yaml'),
      example('cloudsigma.yaml'),
      variant('cloudlessons-express', 'Cloudlessons Express', { auto_approve: true }),
      variant('cloudlessons-vip', 'Cloudlessons VIP', { access: 'invitation', invitation_codes: ['VIP-SPRING-26'] }),
    ]) {
      const res = await admin.post(ADMIN, `${ADMIN}&action=loadProgram`, { definition });
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
    }
    for (const slug of ['cloudlessons', 'cloud-one', 'cloudsigma', 'cloudlessons-express', 'cloudlessons-vip']) programs[slug] = (await services().programs.bySlug(slug))!;
  });
  after(() => f.host.stop());

  it('a Cloudlessons applicant gives legal status, tax id and accepts the agreement: the application waits in the queue', async () => {
    const { clientId, s } = await applicant('olga@example.ru');
    const home = await s.agent.get(AREA);
    expect(home.text).to.contain('data-testid="apply-link"');
    const list = await s.agent.get(APPLY);
    // Open and invitation-only programs are listed; CloudSigma has no joining section: closed.
    expect(list.text).to.contain('Партнерская программа Cloudlessons').and.contain('Cloud One Agent Program').and.contain('Cloudlessons VIP</a> (by invitation)');
    expect(list.text).not.to.contain('CloudSigma');

    const page = await s.agent.get(`${APPLY}&program=cloudlessons`);
    expect(page.text).to.contain('<option value="self_employed" >Самозанятый</option>').and.contain('Agreement version 2026-01');
    const res = await s.agent
      .post(SUBMIT)
      .set('X-Forwarded-For', '203.0.113.7')
      .type('form')
      .send({ ...OLGA, _csrf: csrfFrom(page.text) });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(`${APPLY}&done=applied`);

    const [row] = await applicationsOf(clientId);
    expect([row.status, row.program_id, row.agreement_version, Number(row.accepted_at), row.ip, JSON.parse(row.fields)]).to.deep.equal([
      'pending',
      programs['cloudlessons']!.id,
      '2026-01',
      Date.parse('2026-01-05T10:00:00Z'),
      '203.0.113.7',
      { legal_status: 'self_employed', tax_id: '500100732259', agreement: 'yes' },
    ]);
    expect((await s.agent.get(APPLY)).text).to.contain('Waiting for a decision');
    const queue = (await admin.agent.get(QUEUE)).text;
    expect(queue).to.contain('Visitor Person &lt;olga@example.ru&gt;').and.contain('<li>Правовой статус: Самозанятый</li>').and.contain('<li>ИНН: 500100732259</li>');
    expect(queue).to.contain('2026-01, 2026-01-05 10:00:00, 203.0.113.7');
    const adminHome = (await admin.agent.get(ADMIN)).text;
    // The admin area's menu leads to the queue; the inbox counts the application.
    expect(adminHome).to.contain('data-testid="admin-nav-applications"');
    expect(adminHome).to.contain('data-testid="inbox-count-applications">1</td>');
    expect(await services().agents.byClient(clientId)).to.equal(null);
  });

  it('the admin approves a Cloud One applicant: an agent at the entry tier (Affiliate), told by e-mail', async () => {
    const { clientId, s } = await applicant('wanjiru@example.co.ke');
    const res = await s.post(`${APPLY}&program=cloud-one`, SUBMIT, { program: 'cloud-one', signature: 'Wanjiru Kamau', agreement: 'yes' });
    expect(res.status).to.equal(303);
    const [app] = await applicationsOf(clientId);
    expect((await admin.post(QUEUE, APPROVE, { application_id: app.id })).status).to.equal(303);

    const agent = (await services().agents.byClient(clientId))!;
    expect([agent.programId, agent.tier, agent.status]).to.deep.equal([programs['cloud-one']!.id, 'affiliate', 'active']);
    const [decided] = await applicationsOf(clientId);
    expect([decided.status, decided.decided_by, decided.agent_id, decided.open_slot]).to.deep.equal(['approved', 'admin', agent.id, null]);
    const mail = await f.host.db('host_emails').where({ to: 'wanjiru@example.co.ke' }).first();
    expect(mail.subject).to.equal('Welcome to Cloud One Agent Program');
    // The client area is now the agent panel; a second approval of the same application is refused beside it.
    expect((await s.agent.get(AREA)).text).not.to.contain('data-testid="apply-link"');
    const again = await admin.post(QUEUE, APPROVE, { application_id: app.id });
    expect(again.status).to.equal(422);
    expect(again.text).to.contain(`application ${app.id} is already approved`);
  });

  it('approving the application of a client closed since is refused with the reason shown in the queue (422), and it stays waiting', async () => {
    const { clientId, s } = await applicant('closed-since@example.co.ke');
    expect((await s.post(`${APPLY}&program=cloud-one`, SUBMIT, { program: 'cloud-one', signature: 'Amani Otieno', agreement: 'yes' })).status).to.equal(303);
    await f.host.billing.closeClient(clientId);
    const [app] = await applicationsOf(clientId);
    const res = await admin.post(QUEUE, APPROVE, { application_id: app.id });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain(`client ${clientId} is closed`);
    expect((await applicationsOf(clientId)).map((r) => r.status)).to.deep.equal(['pending']);
  });

  it('an approval whose client became an agent of another program meanwhile is refused, and no agent of this program is made', async () => {
    const { clientId, s } = await applicant('meanwhile@example.co.ke');
    expect((await s.post(`${APPLY}&program=cloud-one`, SUBMIT, { program: 'cloud-one', signature: 'Baraka Mwangi', agreement: 'yes' })).status).to.equal(303);
    const [app] = await applicationsOf(clientId);
    const other = await services().agents.activateForClient(clientId, programs['cloudlessons']!.id);
    // The queue's own check ran before the other program's agent was made: the service's, after, refuses.
    const byClient = services().agents.byClient.bind(services().agents);
    let first = true;
    services().agents.byClient = async (id) => (first && id === clientId ? ((first = false), null) : byClient(id));
    try {
      const refused = await services()
        .applications.approve(app.id, 'admin')
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(String(refused)).to.match(/became agent #\d+ of another program meanwhile/);
    } finally {
      services().agents.byClient = byClient;
    }
    expect((await services().agents.byClient(clientId))!.id).to.equal(other.id);
    expect((await applicationsOf(clientId)).map((r) => r.status)).to.deep.equal(['pending']);
  });

  it('a rejection with a reason: the applicant reads it on their apply page and in an e-mail, and may apply again', async () => {
    const { clientId, s } = await applicant('pyotr@example.ru');
    expect((await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, { ...OLGA, tax_id: '7707083893', legal_status: 'company' })).status).to.equal(303);
    const [app] = await applicationsOf(clientId);

    const noReason = await admin.post(QUEUE, REJECT, { application_id: app.id, reason: '  ' });
    expect(noReason.status).to.equal(422);
    expect(noReason.text).to.contain('role="alert">required</span>');
    const res = await admin.post(QUEUE, REJECT, { application_id: app.id, reason: 'The tax id belongs to another company' });
    expect(res.status).to.equal(303);

    expect((await s.agent.get(APPLY)).text).to.contain('<span data-testid="reason">Reason: The tax id belongs to another company</span>');
    const mail = await f.host.db('host_emails').where({ to: 'pyotr@example.ru' }).first();
    expect(mail.subject).to.equal('Your application to Партнерская программа Cloudlessons');
    expect(mail.text).to.contain('The reason: The tax id belongs to another company');
    expect(await services().agents.byClient(clientId)).to.equal(null);
    // Decided: the unique key frees the slot for a new application.
    expect((await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, { ...OLGA, legal_status: 'company', tax_id: '7707083894' })).status).to.equal(303);
    expect((await applicationsOf(clientId)).map((r) => r.status)).to.deep.equal(['rejected', 'pending']);
  });

  it('missing and invalid answers are refused beside each field, with what was typed kept, and nothing stored', async () => {
    const { clientId, s } = await applicant('ivan@example.ru');
    const res = await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, { program: 'cloudlessons', legal_status: '', tax_id: '12345' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('role="alert">required</span>').and.contain('role="alert">10 или 12 цифр</span>').and.contain('role="alert">tick the box to accept the agreement</span>');
    expect(res.text).to.contain('value="12345"');
    const unknownChoice = await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, { ...OLGA, legal_status: 'pirate' });
    expect(unknownChoice.status).to.equal(422);
    expect(unknownChoice.text).to.contain('role="alert">choose one of the options</span>');
    // A field the form does not send at all is as missing as an empty one.
    const noTaxId = await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, { program: 'cloudlessons', legal_status: 'company', agreement: 'yes' });
    expect(noTaxId.status).to.equal(422);
    expect(noTaxId.text).to.match(/name="tax_id" maxlength="12" value="">\s*<span class="field-error" role="alert">required<\/span>/);
    expect(await applicationsOf(clientId)).to.deep.equal([]);
  });

  it('a second application to the same program while one waits is refused', async () => {
    const { clientId, s } = await applicant('anna@example.ru');
    expect((await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, OLGA)).status).to.equal(303);
    const second = await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, { ...OLGA, tax_id: '7707083893', legal_status: 'company' });
    expect(second.status).to.equal(422);
    expect(second.text).to.contain('You already have an application to Партнерская программа Cloudlessons waiting for a decision.');
    expect(await applicationsOf(clientId)).to.have.length(1);
  });

  it('a closed program refuses: not listed, its form page missing, an application to it not stored', async () => {
    const { clientId, s } = await applicant('closed@example.com');
    expect((await s.agent.get(`${APPLY}&program=cloudsigma`)).status).to.equal(404);
    const res = await s.post(APPLY, SUBMIT, { program: 'cloudsigma', agreement: 'yes' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('This program does not take applications.');
    expect(await applicationsOf(clientId)).to.deep.equal([]);
  });

  it('an invitation-only program needs one of its codes', async () => {
    const { clientId, s } = await applicant('vip@example.ru');
    const vip = { ...OLGA, program: 'cloudlessons-vip' };
    const none = await s.post(`${APPLY}&program=cloudlessons-vip`, SUBMIT, vip);
    expect(none.status).to.equal(422);
    expect(none.text).to.contain('role="alert">required: this program is by invitation only</span>');
    const wrong = await s.post(`${APPLY}&program=cloudlessons-vip`, SUBMIT, { ...vip, invitation_code: 'VIP-SPRING-25' });
    expect(wrong.text).to.contain('role="alert">not a valid invitation code</span>');
    expect((await s.post(`${APPLY}&program=cloudlessons-vip`, SUBMIT, { ...vip, invitation_code: 'VIP-SPRING-26' })).status).to.equal(303);
    expect((await applicationsOf(clientId)).map((r) => [r.status, r.invitation_code])).to.deep.equal([['pending', 'VIP-SPRING-26']]);
  });

  it('auto-approve makes the applicant an agent at once', async () => {
    const { clientId, s } = await applicant('express@example.ru');
    const res = await s.post(`${APPLY}&program=cloudlessons-express`, SUBMIT, { ...OLGA, program: 'cloudlessons-express' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(AREA);
    const agent = (await services().agents.byClient(clientId))!;
    expect([agent.programId, agent.status]).to.deep.equal([programs['cloudlessons-express']!.id, 'active']);
    expect((await applicationsOf(clientId)).map((r) => [r.status, r.decided_by, r.agent_id])).to.deep.equal([['approved', 'auto-approve', agent.id]]);
    // An agent does not apply again, to this program or another.
    const again = await s.post(`${APPLY}&program=cloud-one`, SUBMIT, { program: 'cloud-one', signature: 'Express', agreement: 'yes' });
    expect(again.status).to.equal(422);
    // An agent of a Cloudlessons program reads the program's Russian (issue #14), refusals too.
    expect(again.text).to.contain('Ваш аккаунт уже является аккаунтом партнёра.');
  });

  it("another client cannot act on someone's application: the form names no client, and a withdrawal of another's is not found", async () => {
    const a = await applicant('owner@example.ru');
    const b = await applicant('other@example.ru');
    expect((await a.s.post(`${APPLY}&program=cloudlessons`, SUBMIT, OLGA)).status).to.equal(303);
    const [app] = await applicationsOf(a.clientId);
    const theirs = await b.s.post(APPLY, WITHDRAW, { application_id: app.id });
    expect(theirs.status).to.equal(404);
    // A client_id in the form is ignored: B applies as B.
    expect((await b.s.post(`${APPLY}&program=cloudlessons`, SUBMIT, { ...OLGA, client_id: a.clientId })).status).to.equal(303);
    expect((await applicationsOf(a.clientId)).map((r) => r.status)).to.deep.equal(['pending']);
    expect(await applicationsOf(b.clientId)).to.have.length(1);
    expect((await a.s.post(APPLY, WITHDRAW, { application_id: app.id })).status).to.equal(303);
    expect((await applicationsOf(a.clientId)).map((r) => r.status)).to.deep.equal(['withdrawn']);
  });

  it('an agent (not an admin) posting the admin form is refused, and the application still waits', async () => {
    const { clientId, s } = await applicant('waiting@example.ru');
    expect((await s.post(`${APPLY}&program=cloudlessons`, SUBMIT, OLGA)).status).to.equal(303);
    const [app] = await applicationsOf(clientId);
    const agentEmail = 'agent@example.com';
    const agentClient = await signUp(f.host, await session(f.host), agentEmail);
    await services().agents.activateForClient(agentClient, programs['cloudlessons']!.id);
    const agentSession = await session(f.host, { email: agentEmail });
    const asAgent = await agentSession.post(AREA, APPROVE, { application_id: app.id });
    expect(asAgent.status).to.equal(302);
    expect(asAgent.headers.location).to.match(/^\/admin\/login/);
    // The client area has no such action either.
    expect((await agentSession.post(AREA, `${AREA}&action=approveApplication`, { application_id: app.id })).status).to.equal(404);
    expect((await applicationsOf(clientId)).map((r) => r.status)).to.deep.equal(['pending']);
    // Nor does a bad id from an admin make a server error.
    expect((await admin.post(QUEUE, APPROVE, { application_id: 'x' })).status).to.equal(422);
    expect((await admin.post(QUEUE, APPROVE, { application_id: 999_999 })).status).to.equal(422);
  });
});
