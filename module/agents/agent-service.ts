import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Changes } from '../core/changes';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { ProgramService } from '../programs/program-service';
import { CERTIFICATIONS, type Certification } from '../programs/definition';
import { formatRate } from '../money/amount';
import { newReferralCode } from './referral-code';
import { asRow, asRows, num, numberOrNull, oneOf, oneOfOrNull, stringOrNull } from '../db/columns';

const AGENT_STATUSES = ['active', 'blocked'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
const SLUG_STATUSES = ['pending', 'approved'] as const;

export interface Agent {
  id: number;
  clientId: number;
  programId: number;
  status: AgentStatus;
  blockedReason: string | null;
  tier: string | null;
  rateBp: number | null;
  certification: Certification | null;
  paidOrders: number;
  createdAt: number;
  /** The vanity slug (/go/<slug>) and whether it works yet: 'pending' waits for an admin. */
  slug: string | null;
  slugStatus: (typeof SLUG_STATUSES)[number] | null;
  /** The code a customer can type at sign-up. */
  referralCode: string | null;
}

/** An agent row, decoded. An empty text column means "none", as a null one does. */
export function agentFromRow(row: unknown): Agent {
  const r = asRow(row);
  const slug = stringOrNull(r.slug) || null;
  return {
    id: num(r.id),
    clientId: num(r.client_id),
    programId: num(r.program_id),
    status: oneOf(AGENT_STATUSES, r.status),
    blockedReason: stringOrNull(r.blocked_reason) || null,
    tier: stringOrNull(r.tier) || null,
    rateBp: numberOrNull(r.rate_bp),
    certification: oneOfOrNull(CERTIFICATIONS, stringOrNull(r.certification) || null),
    paidOrders: numberOrNull(r.paid_orders) ?? 0,
    createdAt: num(r.created_at),
    slug,
    slugStatus: slug ? oneOfOrNull(SLUG_STATUSES, stringOrNull(r.slug_status) || null) : null,
    referralCode: stringOrNull(r.referral_code) || null,
  };
}

export interface AgentTerms {
  tier: string | null;
  rateBp: number | null;
  certification: Certification | null;
}

/** Who is an agent. In the classic (Cloudpockets) way an admin switches a client account on. */
export class AgentService {
  constructor(
    private readonly db: Knex,
    private readonly host: HostApi,
    private readonly programs: ProgramService,
    private readonly clock: Clock,
    private readonly changes: Changes,
  ) {}

  async activateForClient(clientId: number, programId: number): Promise<Agent> {
    const client = await this.host.getClient(clientId);
    if (!client) throw new RuleError('errors.client_missing', 'client_id', { client: clientId });
    if (client.status === 'Closed') throw new RuleError('agents.error.client_closed', 'client_id', { client: clientId });
    const existing = await this.byClient(clientId);
    if (existing) {
      if (existing.status !== 'active') {
        await this.db(T.agents).where({ id: existing.id }).update({ status: 'active', blocked_reason: null });
        this.changed(existing.id);
      }
      return { ...existing, status: 'active' };
    }
    const program = await this.programs.get(programId);
    if (!program) throw new RuleError('agents.error.program_missing', 'program_id', { program: programId });
    // A unique violation is either another node activating the same client (then byClient finds
    // it) or, very rarely, a referral code taken already (then a new code is drawn).
    let agent: Agent | null = null;
    for (let attempt = 0; !agent; attempt++) {
      try {
        await this.db(T.agents).insert({
          client_id: clientId,
          program_id: programId,
          status: 'active',
          tier: program.def.default_tier ?? null,
          paid_orders: 0,
          created_at: this.clock.now(),
          referral_code: newReferralCode(),
        });
      } catch (e) {
        if (!isUniqueViolation(e) || attempt >= 5) throw e;
      }
      agent = await this.byClient(clientId);
    }
    this.changed(agent.id);
    return agent;
  }

  /** Reactivates an agent; blocking goes through the forfeiture service, which keeps the books. */
  async reactivate(agentId: number): Promise<void> {
    const n = await this.db(T.agents).where({ id: agentId }).update({ status: 'active', blocked_reason: null });
    if (!n) throw new RuleError('errors.agent_missing', undefined, { agent: agentId });
    this.changed(agentId);
  }

  /** Tier, own rate and certification, each checked against the agent's program. */
  async setTerms(agentId: number, terms: AgentTerms): Promise<void> {
    const agent = await this.get(agentId);
    if (!agent) throw new RuleError('errors.agent_missing', 'agent_id', { agent: agentId });
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`agent ${agentId} belongs to program ${agent.programId}, which does not exist: a foreign key was broken`);
    const def = program.def;
    if (terms.tier !== null && !def.tiers.some((t) => t.key === terms.tier)) throw new RuleError('errors.no_tier', 'tier', { tier: terms.tier });
    if (terms.rateBp !== null) {
      if (!def.agent_rate) throw new RuleError('agents.error.no_agent_rate', 'rate');
      if (terms.rateBp < def.agent_rate.min_bp || terms.rateBp > def.agent_rate.max_bp) {
        throw new RuleError('agents.error.rate_range', 'rate', { min: formatRate(def.agent_rate.min_bp), max: formatRate(def.agent_rate.max_bp) });
      }
    }
    if (terms.certification !== null && !CERTIFICATIONS.includes(terms.certification)) throw new RuleError('agents.error.certification', 'certification');
    await this.db(T.agents).where({ id: agentId }).update({ tier: terms.tier, rate_bp: terms.rateBp, certification: terms.certification });
  }

  /** Records which technical agent performed an invoice line (setup, training, support). */
  async recordPerformer(invoiceLineId: number, agentId: number): Promise<void> {
    if (!(await this.get(agentId))) throw new RuleError('errors.agent_missing', 'agent_id', { agent: agentId });
    await this.db(T.performers)
      .insert({ invoice_line_id: invoiceLineId, agent_id: agentId, recorded_at: this.clock.now() })
      .onConflict('invoice_line_id')
      .merge({ agent_id: agentId, recorded_at: this.clock.now() });
  }

  async performersOf(lineIds: number[], db: Knex | Knex.Transaction = this.db): Promise<Map<number, number>> {
    if (!lineIds.length) return new Map();
    const rows = asRows(await db(T.performers).whereIn('invoice_line_id', lineIds));
    return new Map(rows.map((r) => [num(r.invoice_line_id), num(r.agent_id)]));
  }

  /** Tells the caches (the redirect's) that an agent was added, blocked or reactivated. */
  changed(agentId: number): void {
    this.changes.agent(agentId);
  }

  async get(agentId: number, db: Knex | Knex.Transaction = this.db): Promise<Agent | null> {
    const row: unknown = await db(T.agents).where({ id: agentId }).first();
    return row ? agentFromRow(row) : null;
  }

  /** The active agent whose referral code this is (already normalised by referralCodeText). */
  async byReferralCode(code: string): Promise<Agent | null> {
    const row: unknown = await this.db(T.agents).where({ referral_code: code, status: 'active' }).first();
    return row ? agentFromRow(row) : null;
  }

  async byClient(clientId: number): Promise<Agent | null> {
    const row: unknown = await this.db(T.agents).where({ client_id: clientId }).first();
    return row ? agentFromRow(row) : null;
  }

  async list(): Promise<Agent[]> {
    return asRows(await this.db(T.agents).orderBy('id')).map(agentFromRow);
  }
}
