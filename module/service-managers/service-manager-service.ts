import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { HostApi, HostClient } from '../contract/host-api';
import type { AgentService, Agent } from '../agents/agent-service';
import { referralFromRow, type AssignmentService } from '../attribution/assignment-service';
import type { ProgramService } from '../programs/program-service';
import { hasReview, openReview } from '../attribution/review-service';
import type { ReferralMoveService } from '../attribution/referral-move-service';
import { grantMovesReferral, referralPlan, type ReferralPlan } from './grant-referral';
import { clientPermissions, type ClientPermission } from '../contract/permissions';
import { asRow, asRows, json, num, rowOrNull, text } from '../db/columns';
import { DEFAULT_AGENT_PERMISSIONS } from './permissions';
import type { AgentContactService } from './agent-contact-service';
import { inTransaction } from '../db/transaction';

export interface Grant {
  clientId: number;
  agentId: number;
  permissions: ClientPermission[];
  grantedBy: string;
  grantedAt: number;
}

/**
 * What a client is shown before granting: who the agent is, and what they may do. E-mail and
 * phone are null unless the agent published them: any signed-in client may open an offer.
 */
export interface Offer {
  agent: Agent;
  contact: Pick<HostClient, 'firstname' | 'lastname' | 'companyname'> & { email: string | null; phonenumber: string | null };
  permissions: ClientPermission[];
}

/** The attribution's self-referral rules (its SelfReferralCheck), as every path that attributes a client applies them. */
export interface SelfReferralRules {
  verdict(agent: Agent, clientId: number, email: string | undefined, cookies: Record<string, string | undefined>): Promise<'reject' | { flag: string } | null>;
}

function grantFromRow(value: unknown): Grant {
  const r = asRow(value);
  return {
    clientId: num(r.client_id),
    agentId: num(r.agent_id),
    permissions: clientPermissions.parse(json(r.permissions)),
    grantedBy: text(r.granted_by),
    grantedAt: num(r.granted_at),
  };
}

/**
 * A client's service manager: the agent who may act for the client (sign in as them, with the
 * permissions granted), chosen by the client through the agent's link or set by an admin. It is
 * exclusive: granting one replaces the other, at once. Who earns on the client is a separate fact,
 * the referral: a grant moves it only as the program says (`grant_moves_referral`), and a revoke
 * ends the agent's access and nothing else.
 */
export class ServiceManagerService {
  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly agents: AgentService,
    private readonly assignments: AssignmentService,
    private readonly selfReferrals: SelfReferralRules,
    private readonly clock: Clock,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly contacts: Pick<AgentContactService, 'get'>,
    private readonly moves: Pick<ReferralMoveService, 'request' | 'withdraw'>,
  ) {}

  /**
   * Whether the agent's program has service managers. The default program, built from the addon
   * settings, is the classic module's, which always had them; its stored versions predate the
   * flag and never change, so it is named here rather than read from them.
   */
  async offersServiceManagers(agent: Agent): Promise<boolean> {
    const program = await this.programs.get(agent.programId);
    return !!program && (program.slug === 'default' || program.def.service_managers);
  }

  /** The offer behind a service-manager link, or null when the id names no active agent of a program with service managers. */
  async offer(rawAgentId: unknown): Promise<Offer | null> {
    if (typeof rawAgentId !== 'string' || !/^[1-9]\d{0,9}$/.test(rawAgentId)) return null;
    const agent = await this.agents.get(Number(rawAgentId));
    if (!agent || agent.status !== 'active' || !(await this.offersServiceManagers(agent))) return null;
    const client = await this.host.getClient(agent.clientId);
    if (!client || client.status === 'Closed') return null;
    const published = await this.contacts.get(agent.id);
    const { firstname, lastname, companyname } = client;
    const contact = { firstname, lastname, companyname, email: published.email ? client.email : null, phonenumber: published.phone ? client.phonenumber || null : null };
    return { agent, contact, permissions: DEFAULT_AGENT_PERMISSIONS };
  }

  /** What confirming the agent's offer would do to who earns on the client (the offer page says it). */
  async planFor(clientId: number, agent: Agent): Promise<{ plan: ReferralPlan; referredByAnother: boolean }> {
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agent.id} is missing`);
    const existing = await this.assignments.forClient(clientId);
    const referredByAnother = !!existing && existing.endedAt === null && existing.agentId !== agent.id;
    return { plan: referralPlan(existing, agent.id, grantMovesReferral(program)), referredByAnother };
  }

  /**
   * The client confirms. A client who already has another manager must say so (`replace`): the
   * old agent loses access in the same transaction. Who earns on the client moves only as the
   * program's `grant_moves_referral` says (see referralPlan), and then by the self-referral rules
   * of every path that attributes (`cookies` are the confirming browser's): under `reject` the
   * access is granted but nothing moves; under `flag` the client is assigned and waits in the
   * review queue. An admin's grant passes null cookies (the admin was warned on the admin page),
   * and `moveReferral` false when the admin assigns the referral apart.
   */
  async grant(
    clientId: number,
    agentId: number,
    grantedBy: string,
    replace: boolean,
    cookies: Record<string, string | undefined> | null = {},
    moveReferral = true,
  ): Promise<{ grant: Grant; replaced: number | null; referral: ReferralPlan | 'self_referral' }> {
    const offer = await this.offer(String(agentId));
    if (!offer) throw new RuleError('managers.error.link_invalid');
    if (offer.agent.clientId === clientId) throw new RuleError('managers.error.self');
    const program = await this.programs.get(offer.agent.programId);
    if (!program) throw new Error(`program ${offer.agent.programId} of agent ${agentId} is missing`);
    const mode = moveReferral ? grantMovesReferral(program) : 'never';
    // Read before the transaction: on SQLite it holds the only connection.
    const client = cookies && (await this.host.getClient(clientId));
    const verdict = cookies ? await this.selfReferrals.verdict(offer.agent, clientId, client?.email, cookies) : null;
    const reviewed = verdict && verdict !== 'reject' ? await hasReview(this.db, clientId) : false;
    let replaced: number | null = null;
    let outcome: ReferralPlan | 'self_referral' = 'keep';
    await inTransaction(this.db, async (trx) => {
      const row = rowOrNull(await trx(T.serviceManagers).where({ client_id: clientId }).forUpdate().first());
      const current = row && grantFromRow(row);
      if (current && current.agentId === agentId) return;
      if (current && !replace) throw new RuleError('managers.error.replace', 'replace');
      replaced = current ? current.agentId : null;
      const now = this.clock.now();
      await trx(T.serviceManagers).where({ client_id: clientId }).delete();
      await trx(T.serviceManagers).insert({ client_id: clientId, agent_id: agentId, permissions: JSON.stringify(offer.permissions), granted_by: grantedBy.slice(0, 120), granted_at: now });
      await this.log(trx, clientId, replaced, agentId, replaced ? `service manager changed from agent ${replaced}` : 'service manager granted', grantedBy);
      // A request to move the referral to the manager being replaced no longer stands.
      await this.moves.withdraw(trx, clientId, grantedBy);
      const found: unknown = await trx(T.referrals).where({ client_id: clientId }).forUpdate().first();
      const existing = found ? referralFromRow(found) : null;
      const plan = referralPlan(existing, agentId, mode);
      outcome = plan;
      if (plan !== 'assign' && plan !== 'request') return;
      if (verdict === 'reject') {
        outcome = 'self_referral';
        return;
      }
      if (plan === 'request' && existing) {
        await this.moves.request(trx, { clientId, fromAgentId: existing.agentId, toAgentId: agentId, requestedBy: grantedBy, warning: verdict?.flag ?? null });
        return;
      }
      // A client reviewed before is not attributed again by a sign like that, as at checkout.
      if (verdict && reviewed) {
        outcome = 'self_referral';
        return;
      }
      await this.assignments.assign(clientId, agentId, grantedBy, 'assigned by the service-manager grant', 'service_manager', trx);
      if (verdict) await openReview(trx, clientId, agentId, verdict.flag, now);
    });
    const grant = await this.forClient(clientId);
    if (!grant) throw new Error(`client ${clientId}'s grant, just stored or found, cannot be read back`);
    return { grant, replaced, referral: outcome };
  }

  /**
   * The client (or an admin) takes the access away. Only the access: who earns on the client
   * stays as it is (a revoke never moves a referral, nor erases its evidence), what was earned
   * stays, and a request to move the referral to this manager is withdrawn.
   */
  async revoke(clientId: number, by: string, reason: string): Promise<Grant> {
    return inTransaction(this.db, async (trx) => {
      const row = rowOrNull(await trx(T.serviceManagers).where({ client_id: clientId }).forUpdate().first());
      if (!row) throw new RuleError('managers.error.none');
      const grant = grantFromRow(row);
      await trx(T.serviceManagers).where({ client_id: clientId }).delete();
      await this.log(trx, clientId, grant.agentId, null, `service manager access revoked: ${reason}`, by);
      await this.moves.withdraw(trx, clientId, by);
      return grant;
    });
  }

  /** An admin unlinks the client from this agent: the grant, if it names the agent, and the referral, if it is theirs. */
  async unlink(clientId: number, agentId: number, by: string, reason: string): Promise<void> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const grant = await this.forClient(clientId);
    const referral = await this.assignments.forClient(clientId);
    const earns = !!referral && referral.endedAt === null && referral.agentId === agentId;
    if (grant?.agentId === agentId) await this.revoke(clientId, by, reason);
    else if (!earns) throw new RuleError('errors.client_not_assigned', 'client_id', { client: clientId, agent: agentId });
    if (earns) await this.assignments.unassign(clientId, agentId, by, reason);
  }

  /** A line of the service-manager fact in the assignment log (the referral's lines are the assignment service's). */
  private async log(trx: Knex.Transaction, clientId: number, from: number | null, to: number | null, reason: string, actor: string): Promise<void> {
    await trx(T.assignmentLog).insert({
      client_id: clientId,
      fact: 'service_manager',
      from_agent_id: from,
      to_agent_id: to,
      reason: reason.slice(0, 255),
      actor: actor.slice(0, 120),
      created_at: this.clock.now(),
    });
  }

  async forClient(clientId: number, db: Knex | Knex.Transaction = this.db): Promise<Grant | null> {
    const row = rowOrNull(await db(T.serviceManagers).where({ client_id: clientId }).first());
    return row ? grantFromRow(row) : null;
  }

  /** Whether the agent manages the client now: the check every agent power must make. */
  async manages(agentId: number, clientId: number): Promise<boolean> {
    const grant = await this.forClient(clientId);
    return !!grant && grant.agentId === agentId;
  }

  async clientsOf(agentId: number): Promise<Grant[]> {
    return asRows(await this.db(T.serviceManagers).where({ agent_id: agentId }).orderBy('granted_at', 'desc')).map(grantFromRow);
  }
}
