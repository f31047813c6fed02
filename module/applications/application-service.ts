import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RuleError, errorMessage, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { FieldErrors } from '../http/forms';
import { fieldErrors } from '../http/forms';
import type { Program, ProgramService } from '../programs/program-service';
import { CLOSED_JOINING, type JoiningDefinition } from '../programs/joining';
import type { AgentService } from '../agents/agent-service';
import type { Translate } from '../i18n/lang';
import { asRows, json, num, numberOrNull, oneOf, rowOrNull, stringOrNull } from '../db/columns';
import { answersSchema, type Answers } from './application-fields';

const STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type ApplicationStatus = (typeof STATUSES)[number];

export interface Application {
  id: number;
  clientId: number;
  programId: number;
  termsVersion: number;
  status: ApplicationStatus;
  answers: Answers;
  agreementVersion: string | null;
  acceptedAt: number | null;
  ip: string | null;
  decidedBy: string | null;
  reason: string | null;
  agentId: number | null;
  createdAt: number;
  updatedAt: number;
}

/** The e-mail templates (templates/email/application-*.ejs) rendered in the module's language; the entry wires it. */
/** Renders an e-mail; given the recipient's client id, in the language they read the module in. */
export type RenderEmail = (template: string, data: Record<string, unknown>, recipientClientId?: number) => Promise<{ subject: string; text: string }>;

export const joiningOf = (program: Program): JoiningDefinition => program.def.joining ?? CLOSED_JOINING;

/** The answers of a form that does not fit the program's fields: one message beside each field. */
export class AnswersRefused extends RuleError {
  constructor(readonly errors: FieldErrors) {
    super(Object.values(errors)[0] ?? 'refused', Object.keys(errors)[0]);
    this.name = 'AnswersRefused';
  }
}

/**
 * Joining a program from the client area: a client applies with the fields the program's terms
 * ask for, and an admin approves (the client becomes an agent at the program's entry tier) or
 * rejects with a reason the applicant is told. Programs may approve by themselves.
 */
export class ApplicationService {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'getClient' | 'sendEmail'>,
    private readonly programs: Pick<ProgramService, 'get' | 'at' | 'list' | 'bySlug'>,
    private readonly agents: Pick<AgentService, 'byClient' | 'activateForClient'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly renderEmail: RenderEmail,
    /** The module's language: refusals and field errors are read by the applicant or the admin. */
    private readonly t: Translate,
  ) {}

  /** The programs a client may apply to: open ones and invitation-only ones. */
  async joinable(): Promise<Program[]> {
    return (await this.programs.list()).filter((p) => joiningOf(p).access !== 'closed');
  }

  /**
   * The form's answers checked against the program's fields; refused with a message beside each
   * bad one, in `t`'s language: the applicant's, on their page.
   */
  checkAnswers(program: Program, values: Record<string, string>, t: Translate = this.t): Answers {
    const parsed = answersSchema(joiningOf(program).fields, t).safeParse(values);
    if (!parsed.success) throw new AnswersRefused(fieldErrors(parsed.error, t));
    return parsed.data;
  }

  /**
   * The client's application, waiting for an admin (or approved at once where the program says
   * so). The client is the signed-in one: nothing in the form names who applies.
   */
  async apply(clientId: number, program: Program, values: Record<string, string>, ip: string): Promise<Application> {
    const joining = joiningOf(program);
    if (joining.access === 'closed') throw new RuleError('apply.refused.closed', undefined, { program: program.name });
    if (await this.agents.byClient(clientId)) throw new RuleError('apply.refused.already_agent');
    let code: string | null = null;
    if (joining.access === 'invitation') {
      code = (values.invitation_code ?? '').trim();
      if (!code) throw new RuleError('apply.refused.invitation_required', 'invitation_code');
      if (!joining.invitation_codes.includes(code)) throw new RuleError('apply.refused.invitation_invalid', 'invitation_code');
    }
    const answers = this.checkAnswers(program, values);
    const agreed = joining.fields.some((f) => f.type === 'agreement');
    const now = this.clock.now();
    let id: number;
    try {
      const [inserted] = await this.db(T.applications).insert({
        client_id: clientId,
        program_id: program.id,
        terms_version: program.version,
        status: 'pending',
        open_slot: 1,
        fields: JSON.stringify(answers),
        agreement_version: agreed ? (joining.agreement_version ?? null) : null,
        accepted_at: agreed ? now : null,
        ip: ip.slice(0, 45) || null,
        invitation_code: code,
        created_at: now,
        updated_at: now,
      });
      id = num(inserted);
    } catch (e) {
      if (isUniqueViolation(e)) throw new RuleError('apply.refused.already_waiting', undefined, { program: program.name });
      throw e;
    }
    if (joining.auto_approve) return this.approve(id, 'auto-approve');
    return this.stored(id);
  }

  /** Approves a waiting application: the client becomes an agent at the program's entry tier. */
  async approve(id: number, decidedBy: string): Promise<Application> {
    const app = await this.waiting(id);
    const existing = await this.agents.byClient(app.clientId);
    if (existing) throw new RuleError('apply.admin.refused.already_agent', 'application_id', { client: app.clientId, agent: existing.id });
    // The decision first, so that of two admins approving at once only one makes the agent.
    await this.decide(app, { status: 'approved', decided_by: decidedBy });
    try {
      const agent = await this.agents.activateForClient(app.clientId, app.programId);
      // activateForClient hands back an agent the client already is, whatever its program: one
      // made meanwhile under another program is not this approval's agent.
      if (agent.programId !== app.programId) throw new RuleError('apply.admin.refused.other_program', 'application_id', { client: app.clientId, agent: agent.id });
      await this.db(T.applications).where({ id }).update({ agent_id: agent.id });
    } catch (e) {
      await this.db(T.applications).where({ id, status: 'approved' }).update({ status: 'pending', decided_by: null, open_slot: 1 });
      throw e;
    }
    await this.tell(app, 'application-approved', null);
    return this.stored(id);
  }

  /** Rejects a waiting application; the applicant reads the reason on their apply page and by e-mail. */
  async reject(id: number, decidedBy: string, reason: string): Promise<Application> {
    const app = await this.waiting(id);
    await this.decide(app, { status: 'rejected', decided_by: decidedBy, reason });
    await this.tell(app, 'application-rejected', reason);
    return this.stored(id);
  }

  /** The applicant takes back their own waiting application; null when it is not theirs or not waiting. */
  async withdraw(clientId: number, id: number): Promise<Application | null> {
    const n = await this.db(T.applications).where({ id, client_id: clientId, status: 'pending' }).update({ status: 'withdrawn', open_slot: null, updated_at: this.clock.now() });
    return n ? this.stored(id) : null;
  }

  async get(id: number): Promise<Application | null> {
    const row = rowOrNull(await this.db(T.applications).where({ id }).first());
    return row ? this.fromRow(row) : null;
  }

  /** The client's applications, newest first. */
  async forClient(clientId: number): Promise<Application[]> {
    return this.decodeAll(await this.db(T.applications).where({ client_id: clientId }).orderBy('id', 'desc'));
  }

  /** The admin's queue: waiting applications, oldest first. */
  async listPending(): Promise<Application[]> {
    return this.decodeAll(await this.db(T.applications).where({ status: 'pending' }).orderBy('id'));
  }

  async countPending(): Promise<number> {
    const row = rowOrNull(await this.db(T.applications).where({ status: 'pending' }).count({ n: '*' }).first());
    return row ? num(row.n) : 0;
  }

  /** Recently decided applications, newest first, for the queue's history. */
  async listDecided(limit = 20): Promise<Application[]> {
    return this.decodeAll(await this.db(T.applications).whereNot({ status: 'pending' }).orderBy('id', 'desc').limit(limit));
  }

  private async waiting(id: number): Promise<Application> {
    const app = await this.get(id);
    if (!app) throw new RuleError('apply.admin.refused.missing', 'application_id', { id });
    if (app.status !== 'pending') throw new RuleError('apply.admin.refused.decided', 'application_id', { id, status: app.status });
    return app;
  }

  /** Moves a waiting application to its decision; a second admin deciding the same one at once is told. */
  private async decide(app: Application, change: Record<string, string | number>): Promise<void> {
    const n = await this.db(T.applications)
      .where({ id: app.id, status: 'pending' })
      .update({ ...change, open_slot: null, updated_at: this.clock.now() });
    if (!n) throw new RuleError('apply.admin.refused.meanwhile', 'application_id', { id: app.id });
  }

  /** E-mails the applicant the decision; a failed send is logged, never undoes the decision. */
  private async tell(app: Application, template: string, reason: string | null): Promise<void> {
    try {
      const [client, program] = await Promise.all([this.host.getClient(app.clientId), this.programs.get(app.programId)]);
      if (!client || !program) return;
      const mail = await this.renderEmail(template, { client: { name: `${client.firstname} ${client.lastname}`.trim() }, program: { name: program.name }, reason: reason ?? '' }, app.clientId);
      await this.host.sendEmail({ to: client.email, subject: mail.subject, text: mail.text });
    } catch (e) {
      this.logger.error('application e-mail not sent', { application: app.id, error: errorMessage(e) });
    }
  }

  private async stored(id: number): Promise<Application> {
    const app = await this.get(id);
    if (!app) throw new Error(`application ${id} was written a moment ago and is gone`);
    return app;
  }

  private async decodeAll(rows: unknown): Promise<Application[]> {
    return Promise.all(asRows(rows).map((r) => this.fromRow(r)));
  }

  /** A row, its answers decoded with the field list of the terms version applied to. */
  private async fromRow(r: Record<string, unknown>): Promise<Application> {
    const programId = num(r.program_id);
    const termsVersion = num(r.terms_version);
    const program = await this.programs.at(programId, termsVersion);
    if (!program) throw new Error(`application ${String(r.id)} names program ${programId}, which does not exist`);
    return {
      id: num(r.id),
      clientId: num(r.client_id),
      programId,
      termsVersion,
      status: oneOf(STATUSES, r.status),
      answers: answersSchema(joiningOf(program).fields, this.t).parse(json(r.fields)),
      agreementVersion: stringOrNull(r.agreement_version),
      acceptedAt: numberOrNull(r.accepted_at),
      ip: stringOrNull(r.ip),
      decidedBy: stringOrNull(r.decided_by),
      reason: stringOrNull(r.reason),
      agentId: numberOrNull(r.agent_id),
      createdAt: num(r.created_at),
      updatedAt: num(r.updated_at),
    };
  }
}
