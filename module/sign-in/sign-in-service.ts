import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { AgentService } from '../agents/agent-service';
import { clientPermissions, type ClientPermission } from '../contract/permissions';
import type { HostApi } from '../contract/host-api';
import { asRow, asRows, json, num, numberOrNull, rowOrNull, stringOrNull, text } from '../db/columns';

export interface SignIn {
  id: string;
  agentId: number;
  clientId: number;
  permissions: ClientPermission[];
  startedAt: number;
  expiresAt: number;
  endedAt: number | null;
  endReason: string | null;
}

export interface AuditEntry {
  signInId: string;
  agentId: number;
  clientId: number;
  action: string;
  detail: string;
  ip: string;
  at: number;
}

function fromRow(value: unknown): SignIn {
  const r = asRow(value);
  return {
    id: text(r.id),
    agentId: num(r.agent_id),
    clientId: num(r.client_id),
    permissions: clientPermissions.parse(json(r.permissions)),
    startedAt: num(r.started_at),
    expiresAt: num(r.expires_at),
    endedAt: numberOrNull(r.ended_at),
    endReason: stringOrNull(r.end_reason) || null,
  };
}

/**
 * The client's grant to a service manager, as the sign-in reads it: the grants themselves are the
 * service managers' (service-managers/), which build on this capability, not the other way round.
 */
export interface Grants {
  forClient(clientId: number): Promise<{ agentId: number; permissions: ClientPermission[] } | null>;
  manages(agentId: number, clientId: number): Promise<boolean>;
}

/**
 * An agent signed in as a client who granted them access: scoped to the grant's permissions,
 * time-limited, and audited. Whether it may go on is asked again on every request, so that a
 * revoke, a block or an unlink ends it on the very next one.
 */
export class SignInService {
  constructor(
    private readonly db: Knex,
    private readonly agents: AgentService,
    private readonly grants: Grants,
    private readonly clients: Pick<HostApi, 'getClient'>,
    private readonly clock: Clock,
    private readonly minutes: number,
  ) {}

  async start(agentClientId: number, clientId: number, ip: string): Promise<SignIn> {
    const agent = await this.agents.byClient(agentClientId);
    if (!agent || agent.status !== 'active') throw new RuleError('sign_in.error.not_active');
    const grant = await this.grants.forClient(clientId);
    if (!grant || grant.agentId !== agent.id) throw new RuleError('sign_in.error.not_manager');
    // Before anything is written: the host cannot sign anyone in as a closed account, and a
    // sign-in row with its audit entry for a session that never began would never end.
    const client = await this.clients.getClient(clientId);
    if (!client || client.status === 'Closed') throw new RuleError('sign_in.error.closed');
    const now = this.clock.now();
    const signIn: SignIn = {
      id: crypto.randomBytes(16).toString('base64url'),
      agentId: agent.id,
      clientId,
      permissions: grant.permissions,
      startedAt: now,
      expiresAt: now + this.minutes * 60_000,
      endedAt: null,
      endReason: null,
    };
    await this.db(T.signIns).insert({
      id: signIn.id,
      agent_id: signIn.agentId,
      client_id: clientId,
      permissions: JSON.stringify(signIn.permissions),
      started_at: now,
      expires_at: signIn.expiresAt,
    });
    await this.audit(signIn, 'start', `signed in for ${this.minutes} minutes`, ip);
    return signIn;
  }

  /** The sign-in if it may go on; otherwise it is ended, with the reason, and null returned. */
  async live(id: string, ip: string): Promise<SignIn | null> {
    const row = rowOrNull(await this.db(T.signIns).where({ id }).first());
    if (!row) return null;
    const s = fromRow(row);
    if (s.endedAt !== null) return null;
    const agent = await this.agents.get(s.agentId);
    const reason = this.clock.now() >= s.expiresAt ? 'expired' : !agent || agent.status !== 'active' ? 'agent blocked' : !(await this.grants.manages(s.agentId, s.clientId)) ? 'access revoked' : null;
    if (!reason) return s;
    await this.end(s, reason, ip);
    return null;
  }

  async end(s: SignIn, reason: string, ip: string): Promise<void> {
    const n = await this.db(T.signIns)
      .where({ id: s.id })
      .whereNull('ended_at')
      .update({ ended_at: this.clock.now(), end_reason: reason.slice(0, 64) });
    if (n) await this.audit(s, 'end', reason, ip);
  }

  async get(id: string): Promise<SignIn | null> {
    const row = rowOrNull(await this.db(T.signIns).where({ id }).first());
    return row ? fromRow(row) : null;
  }

  async audit(s: Pick<SignIn, 'id' | 'agentId' | 'clientId'>, action: string, detail: string, ip: string): Promise<void> {
    await this.db(T.signInAudit).insert({
      sign_in_id: s.id,
      agent_id: s.agentId,
      client_id: s.clientId,
      action: action.slice(0, 64),
      detail: detail.slice(0, 255),
      ip: ip.slice(0, 45),
      created_at: this.clock.now(),
    });
  }

  async auditFor(filter: { clientId?: number; agentId?: number }, limit = 100): Promise<AuditEntry[]> {
    let q = this.db(T.signInAudit).orderBy('id', 'desc').limit(limit);
    if (filter.clientId !== undefined) q = q.where({ client_id: filter.clientId });
    if (filter.agentId !== undefined) q = q.where({ agent_id: filter.agentId });
    return asRows(await q).map((r) => ({
      signInId: text(r.sign_in_id),
      agentId: num(r.agent_id),
      clientId: num(r.client_id),
      action: text(r.action),
      detail: text(r.detail),
      ip: text(r.ip),
      at: num(r.created_at),
    }));
  }
}
