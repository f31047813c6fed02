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
import type { DomainMatch, DomainService } from './domain-service';
import type { AgentDevices } from './agent-devices';
import { numberOrNull } from '../db/columns';
import { hasReview, openReview, REVIEW_REASON } from './review-service';
import { UNFIT, type FormField } from '../contract/hooks';

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
  /** What won it beyond a click: 'code ACDEFGHJ', 'domain acme.com'; null for a click or an admin. */
  evidence: string | null;
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

/** What the client typed or chose at checkout. */
export interface CheckoutDetails {
  referralCode?: string;
  /** The domain the order registers. */
  domain?: string;
}

/** Who a sign-up would go to, and by which evidence. */
interface Claim {
  agent: Agent;
  clickUid: string | null;
  clickedAt: number | null;
  source: string | null;
  /** 'code', 'domain', or the program's click rule ('last_click', 'first_click') when null. */
  rule: string | null;
  evidence: string | null;
}

/** A self-referral is refused outright, or let through with the reason it waits for review. */
type SelfReferral = 'reject' | { flag: string } | null;

export function referralFromRow(r: Record<string, unknown>): Referral {
  return {
    id: Number(r.id),
    agentId: Number(r.agent_id),
    clientId: Number(r.client_id),
    programId: Number(r.program_id),
    termsVersion: Number(r.terms_version),
    clickUid: r.click_uid ? String(r.click_uid) : null,
    clickedAt: numberOrNull(r.clicked_at),
    source: r.source ? String(r.source) : null,
    rule: String(r.rule),
    evidence: r.evidence ? String(r.evidence) : null,
    firstPaidInvoiceId: numberOrNull(r.first_paid_invoice_id),
    createdAt: Number(r.created_at),
    closedAt: numberOrNull(r.closed_at),
    endedAt: numberOrNull(r.ended_at),
  };
}

/** Beside a referral code that names no active agent. */
export const UNKNOWN_CODE = 'There is no agent with this referral code. Check it, or leave the field empty.';

/**
 * Ties clients to agents, exclusively and for life: at sign-up by a typed code, a registered
 * domain or the referral cookie; at checkout by a code or a registered domain, for a client with
 * no live assignment; or by an admin. A client has one assignment row; reassigning or unassigning
 * it is logged with a reason.
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
    private readonly domains: DomainService,
    private readonly devices: AgentDevices,
  ) {}

  /**
   * A new client. A typed code is a deliberate choice and a registered domain the partner's word
   * for the customer; both beat the cookie, which may be weeks old. An agent's own account is
   * never attributed; a sign-up with the agent's mailbox or from the agent's browser is refused
   * or flagged for review, as `self_referral` says.
   */
  async onClientAdd(clientId: number, cookies: Record<string, string | undefined>, details: SignUpDetails = {}): Promise<Referral | null> {
    const now = this.clock.now();
    const claim =
      (await this.claimByCode(details.referralCode)) ?? this.claimByDomain(await this.domains.matchEmail(details.email)) ?? (await this.claimByCookie(cookies[REFERRAL_COOKIE], now));
    if (!claim) return null;
    const { agent } = claim;
    const verdict = await this.selfReferral(agent, clientId, details.email, cookies);
    if (verdict === 'reject') return null;
    const program = (await this.programs.get(agent.programId))!;
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
        evidence: claim.evidence,
        created_at: now,
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const referral = await this.forClient(clientId);
    // Also on a second delivery (the referral was stored, the review not yet): the unique index on
    // the client makes this at most one review.
    if (verdict && referral?.agentId === agent.id) await openReview(this.db, clientId, agent.id, verdict.flag, now);
    return referral;
  }

  /**
   * An order, with the code typed and the domain ordered at checkout. A client with no live
   * assignment becomes the code's agent (or else the domain's), so this order and later ones
   * earn for them. A live assignment is exclusive and stays: the evidence is logged, not applied.
   * The self-referral rules are those of sign-up.
   */
  async onCheckout(clientId: number, orderId: number, cookies: Record<string, string | undefined>, details: CheckoutDetails): Promise<Referral | null> {
    const claim = (await this.claimByCode(details.referralCode)) ?? this.claimByDomain(await this.domains.match(details.domain));
    if (!claim) return null;
    const { agent } = claim;
    const existing = await this.forClient(clientId);
    if (existing && existing.endedAt === null) {
      if (existing.agentId !== agent.id) this.logger.info('checkout evidence not applied: the client is assigned to another agent', { clientId, orderId, agentId: existing.agentId, claimedBy: agent.id, evidence: claim.evidence });
      return existing;
    }
    // An assignment that was ended (by an admin, or a rejected review) is not undone by the same agent.
    if (existing && existing.agentId === agent.id) {
      this.logger.info('checkout evidence not applied: the agent\'s assignment of this client was ended', { clientId, orderId, agentId: agent.id, evidence: claim.evidence });
      return existing;
    }
    const client = await this.host.getClient(clientId);
    const verdict = await this.selfReferral(agent, clientId, client?.email, cookies);
    if (verdict === 'reject') return null;
    // A client reviewed before (kept or rejected) is not attributed again by evidence like that.
    if (verdict && (await hasReview(this.db, clientId))) {
      this.logger.warn('self-referral not attributed: the client was reviewed before', { agentId: agent.id, clientId, orderId });
      return null;
    }
    const program = (await this.programs.get(agent.programId))!;
    const now = this.clock.now();
    const row = { agent_id: agent.id, program_id: program.id, terms_version: program.version, click_uid: null, clicked_at: null, source: null, rule: claim.rule!, evidence: claim.evidence, created_at: now, ended_at: null };
    // The assignment, its log line and its review stand or fall together.
    const won = await this.db.transaction(async (trx) => {
      if (existing) {
        if (!(await trx(T.referrals).where({ id: existing.id }).whereNotNull('ended_at').update(row))) return false;
      } else {
        try {
          await trx(T.referrals).insert({ ...row, client_id: clientId });
        } catch (e) {
          // A sign-up or another checkout inserted first: theirs stands. (MariaDB and SQLite undo
          // only the statement, so the transaction goes on, to nothing.)
          if (!isUniqueViolation(e)) throw e;
          return false;
        }
      }
      await trx(T.assignmentLog).insert({ client_id: clientId, from_agent_id: null, to_agent_id: agent.id, order_id: orderId, reason: `${claim.evidence} at checkout`, actor: 'checkout', created_at: now });
      if (verdict) await openReview(trx, clientId, agent.id, verdict.flag, now);
      return true;
    });
    if (!won) this.logger.info('checkout evidence not applied: another checkout or sign-up got there first', { clientId, orderId, agentId: agent.id });
    return this.forClient(clientId);
  }

  /**
   * Self-referral: the agent's own account is refused whatever the setting; the agent's mailbox,
   * or a browser that carries a device cookie the agent has used, as `self_referral` says.
   */
  private async selfReferral(agent: Agent, clientId: number, email: string | undefined, cookies: Record<string, string | undefined>): Promise<SelfReferral> {
    if (agent.clientId === clientId) {
      this.logger.warn('self-referral not attributed', { agentId: agent.id, clientId });
      return 'reject';
    }
    let reason: string | null = null;
    if (email) {
      const agentClient = await this.host.getClient(agent.clientId);
      if (agentClient && sameMailbox(agentClient.email, email)) reason = REVIEW_REASON.email;
    }
    if (!reason && (await this.devices.isAgentDevice(cookies, agent.id))) reason = REVIEW_REASON.device;
    if (!reason) return null;
    if (selfReferralMode.parse(await this.settings.get(SELF_REFERRAL_SETTING)) === 'reject') {
      this.logger.warn(`self-referral not attributed: ${reason}`, { agentId: agent.id, clientId });
      return 'reject';
    }
    return { flag: reason };
  }

  private async claimByCode(raw: string | undefined): Promise<Claim | null> {
    if (!raw) return null;
    const code = referralCodeText.safeParse(raw);
    const agent = code.success ? await this.agents.byReferralCode(code.data) : null;
    return agent ? { agent, clickUid: null, clickedAt: null, source: null, rule: 'code', evidence: `code ${code.data}` } : null;
  }

  private claimByDomain(match: DomainMatch | null): Claim | null {
    return match ? { agent: match.agent, clickUid: null, clickedAt: null, source: null, rule: 'domain', evidence: `domain ${match.domain}` } : null;
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
    return { agent, clickUid: mark.clickUid, clickedAt: mark.clickedAt, source: mark.source ?? DEFAULT_SOURCE, rule: null, evidence: null };
  }

  /** True when the code names an active agent: the host asks before it creates the client. */
  async isKnownCode(raw: string): Promise<boolean> {
    return (await this.claimByCode(raw)) !== null;
  }

  /**
   * What a sign-up or order form says beside its "Referral code" field: nothing when it is empty
   * or an active agent's code. One too long to be any code, or not text at all, names no agent
   * either: it is refused like a typo, not by the hook failing (which would let it through).
   */
  async typedCodeError(code: FormField): Promise<string | null> {
    if (code !== UNFIT && (!code?.trim() || (await this.isKnownCode(code)))) return null;
    return UNKNOWN_CODE;
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
      const row = { agent_id: agentId, program_id: program.id, terms_version: program.version, rule: how, click_uid: null, clicked_at: null, source: null, evidence: null, created_at: now, ended_at: null };
      if (existing) await trx(T.referrals).where({ id: existing.id }).update(row);
      else await trx(T.referrals).insert({ ...row, client_id: clientId });
      await trx(T.assignmentLog).insert({ client_id: clientId, from_agent_id: existing && !existing.ended_at ? existing.agent_id : null, to_agent_id: agentId, reason: reason.slice(0, 255), actor: actor.slice(0, 120), created_at: now });
    };
    if (outer) await work(outer);
    else await this.db.transaction(work);
    return (await this.forClient(clientId, outer))!;
  }

  /** Ends a client's assignment; commissions already earned stay with the agent. Runs in the caller's transaction when given one. */
  async unassign(clientId: number, fromAgentId: number, actor: string, reason: string, outer?: Knex.Transaction): Promise<void> {
    if (!reason.trim()) throw new RuleError('give a reason', 'reason');
    const work = async (trx: Knex.Transaction) => {
      const existing = await trx(T.referrals).where({ client_id: clientId, agent_id: fromAgentId }).whereNull('ended_at').forUpdate().first();
      if (!existing) throw new RuleError(`client ${clientId} is not assigned to agent ${fromAgentId}`, 'client_id');
      await trx(T.referrals).where({ id: existing.id }).update({ ended_at: this.clock.now() });
      await trx(T.assignmentLog).insert({ client_id: clientId, from_agent_id: existing.agent_id, to_agent_id: null, reason: reason.slice(0, 255), actor: actor.slice(0, 120), created_at: this.clock.now() });
    };
    if (outer) await work(outer);
    else await this.db.transaction(work);
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
