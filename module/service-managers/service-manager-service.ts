import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { HostApi, HostClient } from '../contract/host-api';
import type { AgentService, Agent } from '../agents/agent-service';
import type { AssignmentService } from '../attribution/assignment-service';
import type { ProgramService } from '../programs/program-service';
import { openReview } from '../attribution/review-service';
import { clientPermissions, type ClientPermission } from '../contract/permissions';
import { asRow, asRows, json, num, rowOrNull, text } from '../db/columns';
import { DEFAULT_AGENT_PERMISSIONS } from './permissions';
import type { AgentContactService } from './agent-contact-service';

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
 * A client's service manager: an agent the client chose (through the agent's link) or an admin
 * set. It is exclusive: granting one replaces the other, at once. The grant also assigns the
 * client to the agent for commissions; a revoke ends the agent's access, and what was earned stays.
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

  /**
   * The client confirms. A client who already has another manager must say so (`replace`): the
   * old agent loses access in the same transaction. The grant is a way to attribute a client like
   * any other, so the self-referral rules apply to it (`cookies` are the confirming browser's):
   * under `reject` the access is granted but the client is not assigned; under `flag` they are,
   * and wait in the review queue. An admin's grant passes null: the admin decides, warned on the
   * admin page rather than refused here.
   */
  async grant(
    clientId: number,
    agentId: number,
    grantedBy: string,
    replace: boolean,
    cookies: Record<string, string | undefined> | null = {},
  ): Promise<{ grant: Grant; replaced: number | null; assigned: boolean }> {
    const offer = await this.offer(String(agentId));
    if (!offer) throw new RuleError('this service-manager link is not valid');
    if (offer.agent.clientId === clientId) throw new RuleError('you cannot be your own service manager');
    const client = cookies && (await this.host.getClient(clientId));
    const verdict = cookies ? await this.selfReferrals.verdict(offer.agent, clientId, client?.email, cookies) : null;
    const assigned = verdict !== 'reject';
    let replaced: number | null = null;
    await this.db.transaction(async (trx) => {
      const row = rowOrNull(await trx(T.serviceManagers).where({ client_id: clientId }).forUpdate().first());
      const current = row && grantFromRow(row);
      if (current && current.agentId === agentId) return;
      if (current && !replace) throw new RuleError('you already have a service manager; confirm that you want to change', 'replace');
      replaced = current ? current.agentId : null;
      await trx(T.serviceManagers).where({ client_id: clientId }).delete();
      await trx(T.serviceManagers).insert({
        client_id: clientId,
        agent_id: agentId,
        permissions: JSON.stringify(offer.permissions),
        granted_by: grantedBy.slice(0, 120),
        granted_at: this.clock.now(),
      });
      if (verdict === 'reject') return;
      await this.assignments.assign(clientId, agentId, grantedBy, replaced ? `service manager changed from agent ${replaced}` : 'service manager granted', 'service_manager', trx);
      if (verdict) await openReview(trx, clientId, agentId, verdict.flag, this.clock.now());
    });
    const grant = await this.forClient(clientId);
    if (!grant) throw new Error(`client ${clientId}'s grant, just stored or found, cannot be read back`);
    return { grant, replaced, assigned };
  }

  /** The client (or an admin) takes the access away; commissions already earned stay. */
  async revoke(clientId: number, by: string, reason: string): Promise<Grant> {
    return this.db.transaction(async (trx) => {
      const row = rowOrNull(await trx(T.serviceManagers).where({ client_id: clientId }).forUpdate().first());
      if (!row) throw new RuleError('you have no service manager');
      const grant = grantFromRow(row);
      await trx(T.serviceManagers).where({ client_id: clientId }).delete();
      await trx(T.assignmentLog).insert({
        client_id: clientId,
        from_agent_id: grant.agentId,
        to_agent_id: null,
        reason: `service manager access revoked: ${reason}`.slice(0, 255),
        actor: by.slice(0, 120),
        created_at: this.clock.now(),
      });
      return grant;
    });
  }

  /** An admin unlinks the client from this agent: the grant goes too, if it names the agent. */
  async unlink(clientId: number, agentId: number, by: string, reason: string): Promise<void> {
    const grant = await this.forClient(clientId);
    if (grant && grant.agentId === agentId) await this.revoke(clientId, by, reason);
    await this.assignments.unassign(clientId, agentId, by, reason);
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
