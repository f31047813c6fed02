import type { Knex } from 'knex';
import { T } from '../db/tables';
import { num } from '../db/columns';
import { RuleError } from '../core/errors';
import type { HostApi, HostClient } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import type { AssignmentService } from '../attribution/assignment-service';
import type { ServiceManagerService } from './service-manager-service';

/** Introduces the client and the agent to each other by e-mail (the notifications do it). */
export interface Introductions {
  serviceManagerAssigned(client: HostClient, agentClient: HostClient): Promise<void>;
}

export interface AdminAssignment {
  clientId: number;
  agentId: number;
  serviceManager: boolean;
  email: boolean;
  reason: string;
  /** The admin saw the self-referral warning and assigns anyway. */
  confirmed: boolean;
}

/** The admin's list of clients who have no agent, and assigning one of them, as service manager or not. */
export class AdminAssignmentService {
  constructor(
    private readonly db: Knex,
    private readonly host: Pick<HostApi, 'listClients' | 'getClient'>,
    private readonly agents: Pick<AgentService, 'get'>,
    private readonly assignments: Pick<AssignmentService, 'assignByAdmin' | 'checkAdminAssignment'>,
    private readonly serviceManagers: Pick<ServiceManagerService, 'grant'>,
    private readonly introductions: Introductions,
  ) {}

  /** Clients with no agent, newest first. */
  async unassignedClients(limit = 50): Promise<HostClient[]> {
    const clients = (await this.host.listClients(limit * 4)).filter((c) => c.status !== 'Closed');
    if (!clients.length) return [];
    const ids = clients.map((c) => c.id);
    const taken = new Set<number>([
      ...(await this.db(T.referrals).whereIn('client_id', ids).whereNull('ended_at').pluck('client_id')).map(num),
      ...(await this.db(T.agents).whereIn('client_id', ids).pluck('client_id')).map(num),
    ]);
    return clients.filter((c) => !taken.has(c.id)).slice(0, limit);
  }

  /**
   * An admin assigns a client to an agent (who earns on the client), optionally also as the
   * client's service manager (who may act; the client can still revoke that), and optionally tells
   * both by e-mail from the editable templates. A client who looks like the agent's own is
   * assigned only once the admin confirms over the warning (see AssignmentService.assignByAdmin).
   */
  async assign(input: AdminAssignment, admin: string): Promise<void> {
    const agent = await this.agents.get(input.agentId);
    if (!agent) throw new RuleError('errors.agent_missing', 'to_agent', { agent: input.agentId });
    const [client, agentClient] = await Promise.all([this.host.getClient(input.clientId), this.host.getClient(agent.clientId)]);
    if (!client) throw new RuleError('errors.client_missing', 'client_id', { client: input.clientId });
    if (!agentClient) throw new RuleError('managers.error.no_client_account', 'to_agent', { agent: input.agentId });
    if (!input.serviceManager) {
      if (input.email) throw new RuleError('managers.error.email_box', 'email');
      await this.assignments.assignByAdmin(input.clientId, input.agentId, admin, input.reason, input.confirmed);
      return;
    }
    // Warned before anything is stored; the referral is the admin's assignment, not the grant's.
    await this.assignments.checkAdminAssignment(input.clientId, input.agentId, input.confirmed);
    await this.serviceManagers.grant(input.clientId, input.agentId, `admin:${admin}`, true, null, false);
    await this.assignments.assignByAdmin(input.clientId, input.agentId, admin, input.reason, input.confirmed);
    if (input.email) await this.introductions.serviceManagerAssigned(client, agentClient);
  }
}
