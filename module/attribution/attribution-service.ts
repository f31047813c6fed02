import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { isUniqueViolation } from '../core/errors';
import type { AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import { REFERRAL_COOKIE, type ReferralCookie } from '../tracking/referral-cookie';

const DAY_MS = 86_400_000;

export interface Referral {
  id: number;
  agentId: number;
  clientId: number;
  clickUid: string | null;
  clickedAt: number | null;
  rule: string;
  createdAt: number;
  closedAt: number | null;
}

function fromRow(r: Record<string, unknown>): Referral {
  return {
    id: Number(r.id),
    agentId: Number(r.agent_id),
    clientId: Number(r.client_id),
    clickUid: r.click_uid ? String(r.click_uid) : null,
    clickedAt: r.clicked_at === null || r.clicked_at === undefined ? null : Number(r.clicked_at),
    rule: String(r.rule),
    createdAt: Number(r.created_at),
    closedAt: r.closed_at === null || r.closed_at === undefined ? null : Number(r.closed_at),
  };
}

/** Ties a new client to the agent whose link they followed. A client has at most one referrer. */
export class AttributionService {
  constructor(
    private readonly db: Knex,
    private readonly agents: AgentService,
    private readonly programs: ProgramService,
    private readonly cookies: ReferralCookie,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async onClientAdd(clientId: number, cookies: Record<string, string | undefined>): Promise<Referral | null> {
    const now = this.clock.now();
    // The cookie's own age is checked against the longest lifetime any program allows here,
    // then against the agent's program below.
    const mark = this.cookies.read(cookies[REFERRAL_COOKIE], now, 3650 * DAY_MS);
    if (!mark) return null;
    const agent = await this.agents.get(mark.agentId);
    if (!agent || agent.status !== 'active') return null;
    const program = await this.programs.get(agent.programId);
    if (!program || now - mark.clickedAt > program.cookieDays * DAY_MS) return null;
    if (agent.clientId === clientId) {
      this.logger.warn('self-referral not attributed', { agentId: agent.id, clientId });
      return null;
    }
    try {
      await this.db(T.referrals).insert({
        agent_id: agent.id,
        client_id: clientId,
        click_uid: mark.clickUid,
        clicked_at: mark.clickedAt,
        rule: 'last_click',
        created_at: now,
        closed_at: null,
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    return this.forClient(clientId);
  }

  async forClient(clientId: number): Promise<Referral | null> {
    const row = await this.db(T.referrals).where({ client_id: clientId }).first();
    return row ? fromRow(row) : null;
  }

  async markClosed(clientId: number): Promise<void> {
    await this.db(T.referrals).where({ client_id: clientId }).whereNull('closed_at').update({ closed_at: this.clock.now() });
  }

  async listForAgent(agentId: number, limit = 100): Promise<Referral[]> {
    return (await this.db(T.referrals).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(fromRow);
  }
}
