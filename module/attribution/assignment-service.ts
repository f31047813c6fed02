import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { Agent, AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import { asRow, asRows, num, numberOrNull, stringOrNull, text } from '../db/columns';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';
import { REVIEW_REASON } from './review-reasons';

/** A client's assignment to an agent, with the terms version it came in under. */
export interface Referral {
  id: number;
  agentId: number;
  clientId: number;
  programId: number;
  termsVersion: number;
  clickUid: string | null;
  clickedAt: number | null;
  /** The `src=` of the click that won; null for an admin's assignment, which had no click. */
  source: string | null;
  rule: string;
  /** What won it beyond a click: 'code ACDEFGHJ', 'domain acme.com'; null for a click or an admin. */
  evidence: string | null;
  firstPaidInvoiceId: number | null;
  createdAt: number;
  closedAt: number | null;
  endedAt: number | null;
}

/** A referral row, decoded. An empty text column means "none", as a null one does. */
export function referralFromRow(row: unknown): Referral {
  const r = asRow(row);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    clientId: num(r.client_id),
    programId: num(r.program_id),
    termsVersion: num(r.terms_version),
    clickUid: stringOrNull(r.click_uid) || null,
    clickedAt: numberOrNull(r.clicked_at),
    source: stringOrNull(r.source) || null,
    rule: text(r.rule),
    evidence: stringOrNull(r.evidence) || null,
    firstPaidInvoiceId: numberOrNull(r.first_paid_invoice_id),
    createdAt: num(r.created_at),
    closedAt: numberOrNull(r.closed_at),
    endedAt: numberOrNull(r.ended_at),
  };
}

/** The self-referral signs of assigning a client to an agent (SelfReferralWarnings). */
export interface SelfReferralSigns {
  of(agent: Agent, clientId: number): Promise<string[]>;
}

/** What an overwritten referral was, for the log line that replaces it. */
function replacedEvidence(r: Referral) {
  const { agentId, rule, clickUid, clickedAt, source, evidence, createdAt, endedAt } = r;
  return { agentId, rule, clickUid, clickedAt, source, evidence, createdAt, endedAt };
}

/**
 * A client's one assignment row: who it belongs to, exclusively. Assigning, reassigning and
 * unassigning by a person (an admin, the client through the service-manager link, a quote) are
 * logged with a reason; sign-ups and checkouts assign through the attribution service.
 */
export class AssignmentService {
  constructor(
    private readonly db: Knex,
    private readonly agents: Pick<AgentService, 'get'>,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly clock: Clock,
    private readonly warnings: SelfReferralSigns,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  /**
   * The self-referral signs of assigning the client to the agent, refused (field
   * `confirm_self_referral`, the signs as its message) unless the admin confirmed having seen them.
   */
  async checkAdminAssignment(clientId: number, agentId: number, confirmed: boolean): Promise<string[]> {
    const agent = await this.agents.get(agentId);
    if (!agent) throw new RuleError('errors.agent_missing', 'agent_id', { agent: agentId });
    const signs = await this.warnings.of(agent, clientId);
    if (signs.length && !confirmed) throw new RuleError('referrals.error.self_referral', 'confirm_self_referral', { signs: signsCode(signs) });
    return signs;
  }

  /**
   * An admin's assignment, by the self-referral rules of every other path: where the client looks
   * like the agent's own, the admin is warned and must confirm, and the log keeps that decision.
   */
  async assignByAdmin(clientId: number, agentId: number, admin: string, reason: string, confirmed: boolean): Promise<Referral> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const signs = await this.checkAdminAssignment(clientId, agentId, confirmed);
    const decision = signs.length ? ` [assigned over the self-referral warning: ${signs.join('; ')}]` : '';
    return this.assign(clientId, agentId, admin, reason.trim().slice(0, 255 - decision.length) + decision);
  }

  /** Assigns or reassigns a client under the agent's current terms. Runs in the caller's transaction when given one. */
  async assign(clientId: number, agentId: number, actor: string, reason: string, how = 'admin', outer?: Knex.Transaction): Promise<Referral> {
    const agent = await this.agents.get(agentId, outer);
    if (!agent || agent.status !== 'active') throw new RuleError('errors.agent_not_active', 'agent_id', { agent: agentId });
    if (agent.clientId === clientId) throw new RuleError('referrals.error.own_account', 'client_id');
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const program = await this.programs.get(agent.programId, outer);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agentId} is missing`);
    const now = this.clock.now();
    const work = async (trx: Knex.Transaction) => {
      const found: unknown = await trx(T.referrals).where({ client_id: clientId }).forUpdate().first();
      const existing = found ? referralFromRow(found) : null;
      const row = {
        agent_id: agentId,
        program_id: program.id,
        terms_version: program.version,
        rule: how,
        click_uid: null,
        clicked_at: null,
        source: null,
        evidence: null,
        created_at: now,
        ended_at: null,
      };
      if (existing) await trx(T.referrals).where({ id: existing.id }).update(row);
      else await trx(T.referrals).insert({ ...row, client_id: clientId });
      await this.outbox.add(trx, 'referral.created', { client_id: clientId, agent_id: agentId, program_id: program.id, how, reassigned: existing !== null });
      await trx(T.assignmentLog).insert({
        client_id: clientId,
        fact: 'referral',
        // The row is overwritten: what won it (its click, code or domain) stays readable here.
        replaced: existing ? JSON.stringify(replacedEvidence(existing)) : null,
        from_agent_id: existing && !existing.endedAt ? existing.agentId : null,
        to_agent_id: agentId,
        reason: reason.slice(0, 255),
        actor: actor.slice(0, 120),
        created_at: now,
      });
    };
    if (outer) await work(outer);
    else await inTransaction(this.db, work);
    const referral = await this.forClient(clientId, outer);
    if (!referral) throw new Error(`client ${clientId}'s assignment was not stored`);
    return referral;
  }

  /** Ends a client's assignment; commissions already earned stay with the agent. Runs in the caller's transaction when given one. */
  async unassign(clientId: number, fromAgentId: number, actor: string, reason: string, outer?: Knex.Transaction): Promise<void> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const work = async (trx: Knex.Transaction) => {
      const found: unknown = await trx(T.referrals).where({ client_id: clientId, agent_id: fromAgentId }).whereNull('ended_at').forUpdate().first();
      if (!found) throw new RuleError('errors.client_not_assigned', 'client_id', { client: clientId, agent: fromAgentId });
      const existing = referralFromRow(found);
      await trx(T.referrals).where({ id: existing.id }).update({ ended_at: this.clock.now() });
      await trx(T.assignmentLog).insert({
        client_id: clientId,
        from_agent_id: existing.agentId,
        to_agent_id: null,
        reason: reason.slice(0, 255),
        actor: actor.slice(0, 120),
        created_at: this.clock.now(),
      });
    };
    if (outer) await work(outer);
    else await inTransaction(this.db, work);
  }

  /** The client's assignment, whether or not it has ended. */
  async forClient(clientId: number, db: Knex | Knex.Transaction = this.db): Promise<Referral | null> {
    const row: unknown = await db(T.referrals).where({ client_id: clientId }).first();
    return row ? referralFromRow(row) : null;
  }

  async markClosed(clientId: number): Promise<void> {
    await this.db(T.referrals).where({ client_id: clientId }).whereNull('closed_at').update({ closed_at: this.clock.now() });
  }

  async listForAgent(agentId: number, limit = 100): Promise<Referral[]> {
    return asRows(await this.db(T.referrals).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(referralFromRow);
  }
}

/** The signs as the refusal's select names them ("email_payment"): known ones in a fixed order; any other sign (an older review's reason) as written. */
function signsCode(signs: readonly string[]): string {
  const known = (Object.keys(REVIEW_REASON) as (keyof typeof REVIEW_REASON)[]).filter((k) => signs.includes(REVIEW_REASON[k]));
  return known.length === signs.length ? known.join('_') : signs.join('; ');
}
