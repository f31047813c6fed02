import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';

export type AgentStatus = 'active' | 'blocked';

export interface Agent {
  id: number;
  clientId: number;
  programId: number;
  status: AgentStatus;
  createdAt: number;
}

export function agentFromRow(r: Record<string, unknown>): Agent {
  return {
    id: Number(r.id),
    clientId: Number(r.client_id),
    programId: Number(r.program_id),
    status: String(r.status) as AgentStatus,
    createdAt: Number(r.created_at),
  };
}

/** Who is an agent. In the classic (Cloudpockets) way an admin switches a client account on. */
export class AgentService {
  private readonly listeners: ((agentId: number) => void)[] = [];

  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly clock: Clock,
  ) {}

  /** Called when an agent changes, so that caches (the redirect's) drop it. */
  onChange(listener: (agentId: number) => void): void {
    this.listeners.push(listener);
  }

  async activateForClient(clientId: number, programId: number): Promise<Agent> {
    const client = await this.host.getClient(clientId);
    if (!client) throw new RuleError(`client ${clientId} does not exist`, 'client_id');
    if (client.status === 'Closed') throw new RuleError(`client ${clientId} is closed`, 'client_id');
    const existing = await this.byClient(clientId);
    if (existing) {
      if (existing.status !== 'active') {
        await this.db(T.agents).where({ id: existing.id }).update({ status: 'active' });
        this.changed(existing.id);
      }
      return { ...existing, status: 'active' };
    }
    try {
      await this.db(T.agents).insert({ client_id: clientId, program_id: programId, status: 'active', created_at: this.clock.now() });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const agent = (await this.byClient(clientId)) as Agent;
    this.changed(agent.id);
    return agent;
  }

  async setStatus(agentId: number, status: AgentStatus): Promise<void> {
    const n = await this.db(T.agents).where({ id: agentId }).update({ status });
    if (!n) throw new RuleError(`agent ${agentId} does not exist`);
    this.changed(agentId);
  }

  async get(agentId: number): Promise<Agent | null> {
    const row = await this.db(T.agents).where({ id: agentId }).first();
    return row ? agentFromRow(row) : null;
  }

  async byClient(clientId: number): Promise<Agent | null> {
    const row = await this.db(T.agents).where({ client_id: clientId }).first();
    return row ? agentFromRow(row) : null;
  }

  async list(): Promise<Agent[]> {
    return (await this.db(T.agents).orderBy('id')).map(agentFromRow);
  }

  private changed(agentId: number): void {
    for (const l of this.listeners) l(agentId);
  }
}
