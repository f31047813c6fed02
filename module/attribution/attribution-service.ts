import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import { REFERRAL_COOKIE, type ReferralCookie } from '../tracking/referral-cookie';
import { DEFAULT_SOURCE } from '../tracking/source';
import type { HostApi } from '../contract/host-api';
import type { SettingsStore } from '../settings/settings-store';
import { referralCodeText } from '../agents/referral-code';
import type { Agent } from '../agents/agent-service';
import { SELF_REFERRAL_SETTING, sameMailbox, selfReferralMode } from './self-referral';

const DAY_MS = 86_400_000;

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
  firstPaidInvoiceId: number | null;
  createdAt: number;
  closedAt: number | null;
  endedAt: number | null;
}

/** What the new client told the host at sign-up, beyond the cookie their browser carries. */
export interface SignUpDetails {
  email?: string;
  referralCode?: string;
}

/** Who a sign-up would go to, and by which evidence. */
interface Claim {
  agent: Agent;
  clickUid: string | null;
  clickedAt: number | null;
  source: string | null;
  /** 'code', or the program's click rule ('last_click', 'first_click'). */
  rule: string | null;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export function referralFromRow(r: Record<string, unknown>): Referral {
  return {
    id: Number(r.id),
    agentId: Number(r.agent_id),
    clientId: Number(r.client_id),
    programId: Number(r.program_id),
    termsVersion: Number(r.terms_version),
    clickUid: r.click_uid ? String(r.click_uid) : null,
    clickedAt: num(r.clicked_at),
    source: r.source ? String(r.source) : null,
    rule: String(r.rule),
    firstPaidInvoiceId: num(r.first_paid_invoice_id),
    createdAt: Number(r.created_at),
    closedAt: num(r.closed_at),
    endedAt: num(r.ended_at),
  };
}

/**
 * Ties clients to agents, exclusively and for life: by the referral cookie at sign-up, or by an
 * admin. A client has one assignment row; reassigning or unassigning it is logged with a reason.
 */
export class AttributionService {
  constructor(
    private readonly db: Knex,
    private readonly agents: AgentService,
    private readonly programs: ProgramService,
    private readonly cookies: ReferralCookie,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly host: HostApi,
    private readonly settings: SettingsStore,
  ) {}

  /**
   * A new client: a referral code they typed beats the referral cookie (it is a deliberate
   * choice, the cookie may be weeks old). An agent's own account is never attributed; a sign-up
   * with the agent's own mailbox is refused or flagged for review, as `self_referral` says.
   */
  async onClientAdd(clientId: number, cookies: Record<string, string | undefined>, details: SignUpDetails = {}): Promise<Referral | null> {
    const now = this.clock.now();
    const claim = (await this.claimByCode(details.referralCode)) ?? (await this.claimByCookie(cookies[REFERRAL_COOKIE], now));
    if (!claim) return null;
    const { agent } = claim;
    const program = (await this.programs.get(agent.programId))!;
    if (agent.clientId === clientId) {
      this.logger.warn('self-referral not attributed', { agentId: agent.id, clientId });
      return null;
    }
    let flag = false;
    if (details.email) {
      const agentClient = await this.host.getClient(agent.clientId);
      if (agentClient && sameMailbox(agentClient.email, details.email)) {
        if (selfReferralMode.parse(await this.settings.get(SELF_REFERRAL_SETTING)) === 'reject') {
          this.logger.warn('self-referral not attributed: the agent\'s own e-mail', { agentId: agent.id, clientId });
          return null;
        }
        flag = true;
      }
    }
    try {
      await this.db(T.referrals).insert({
        agent_id: agent.id,
        client_id: clientId,
        program_id: program.id,
        terms_version: program.version,
        click_uid: claim.clickUid,
        clicked_at: claim.clickedAt,
        source: claim.source,
        rule: claim.rule ?? program.def.attribution,
        created_at: now,
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const referral = await this.forClient(clientId);
    // Also on a second delivery (the referral was stored, the review not yet): the unique index on
    // the client makes this at most one review.
    if (flag && referral?.agentId === agent.id) {
      await this.db(T.referralReviews).insert({ client_id: clientId, agent_id: agent.id, reason: 'same e-mail as the agent', status: 'open', created_at: now }).onConflict('client_id').ignore();
    }
    return referral;
  }

  private async claimByCode(raw: string | undefined): Promise<Claim | null> {
    if (!raw) return null;
    const code = referralCodeText.safeParse(raw);
    const agent = code.success ? await this.agents.byReferralCode(code.data) : null;
    return agent ? { agent, clickUid: null, clickedAt: null, source: null, rule: 'code' } : null;
  }

  private async claimByCookie(cookie: string | undefined, now: number): Promise<Claim | null> {
    // The cookie's own age is checked against the longest lifetime any program allows here,
    // then against the agent's program below.
    const mark = this.cookies.read(cookie, now, 3650 * DAY_MS);
    if (!mark) return null;
    const agent = await this.agents.get(mark.agentId);
    if (!agent || agent.status !== 'active') return null;
    const program = await this.programs.get(agent.programId);
    if (!program || now - mark.clickedAt > program.cookieDays * DAY_MS) return null;
    return { agent, clickUid: mark.clickUid, clickedAt: mark.clickedAt, source: mark.source ?? DEFAULT_SOURCE, rule: null };
  }

  /** True when the code names an active agent: the host asks before it creates the client. */
  async isKnownCode(raw: string): Promise<boolean> {
    return (await this.claimByCode(raw)) !== null;
  }

  /**
   * An admin (or the client, through the service-manager link) assigns or reassigns a client to
   * an agent, under the agent's current terms. Runs in the caller's transaction when given one.
   */
  async assign(clientId: number, agentId: number, actor: string, reason: string, how = 'admin', outer?: Knex.Transaction): Promise<Referral> {
    const agent = await this.agents.get(agentId, outer);
    if (!agent || agent.status !== 'active') throw new RuleError(`agent ${agentId} is not an active agent`, 'agent_id');
    if (agent.clientId === clientId) throw new RuleError('an agent cannot be assigned their own account', 'client_id');
    if (!reason.trim()) throw new RuleError('give a reason', 'reason');
    const program = (await this.programs.get(agent.programId, outer))!;
    const now = this.clock.now();
    const work = async (trx: Knex.Transaction) => {
      const existing = await trx(T.referrals).where({ client_id: clientId }).forUpdate().first();
      const row = { agent_id: agentId, program_id: program.id, terms_version: program.version, rule: how, click_uid: null, clicked_at: null, source: null, created_at: now, ended_at: null };
      if (existing) await trx(T.referrals).where({ id: existing.id }).update(row);
      else await trx(T.referrals).insert({ ...row, client_id: clientId });
      await trx(T.assignmentLog).insert({ client_id: clientId, from_agent_id: existing && !existing.ended_at ? existing.agent_id : null, to_agent_id: agentId, reason: reason.slice(0, 255), actor: actor.slice(0, 120), created_at: now });
    };
    if (outer) await work(outer);
    else await this.db.transaction(work);
    return (await this.forClient(clientId, outer))!;
  }

  /** Ends a client's assignment; commissions already earned stay with the agent. */
  async unassign(clientId: number, fromAgentId: number, actor: string, reason: string): Promise<void> {
    if (!reason.trim()) throw new RuleError('give a reason', 'reason');
    await this.db.transaction(async (trx) => {
      const existing = await trx(T.referrals).where({ client_id: clientId, agent_id: fromAgentId }).whereNull('ended_at').forUpdate().first();
      if (!existing) throw new RuleError(`client ${clientId} is not assigned to agent ${fromAgentId}`, 'client_id');
      await trx(T.referrals).where({ id: existing.id }).update({ ended_at: this.clock.now() });
      await trx(T.assignmentLog).insert({ client_id: clientId, from_agent_id: existing.agent_id, to_agent_id: null, reason: reason.slice(0, 255), actor: actor.slice(0, 120), created_at: this.clock.now() });
    });
  }

  /** The client's assignment, whether or not it has ended. */
  async forClient(clientId: number, db: Knex | Knex.Transaction = this.db): Promise<Referral | null> {
    const row = await db(T.referrals).where({ client_id: clientId }).first();
    return row ? referralFromRow(row) : null;
  }

  async markClosed(clientId: number): Promise<void> {
    await this.db(T.referrals).where({ client_id: clientId }).whereNull('closed_at').update({ closed_at: this.clock.now() });
  }

  async listForAgent(agentId: number, limit = 100): Promise<Referral[]> {
    return (await this.db(T.referrals).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(referralFromRow);
  }
}
