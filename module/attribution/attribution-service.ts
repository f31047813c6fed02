import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { isUniqueViolation } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { ProgramService } from '../programs/program-service';
import { REFERRAL_COOKIE } from '../tracking';
import type { AssignmentService, Referral } from './assignment-service';
import type { OrderClickService } from './order-click-service';
import type { ReferralClaims } from './referral-claims';
import type { SelfReferralCheck } from './self-referral-check';
import { hasReview, openReview } from './review-service';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';

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

/**
 * Ties clients to agents, exclusively and for life, as events come: at sign-up by a typed code,
 * a registered domain or the referral cookie; at checkout by a code or a registered domain, for
 * a client with no live assignment. People's assignments go through the assignment service.
 */
export class AttributionService {
  constructor(
    private readonly db: Knex,
    private readonly claims: Pick<ReferralClaims, 'byCode' | 'byEmail' | 'byDomain' | 'byCookie'>,
    private readonly selfReferrals: Pick<SelfReferralCheck, 'verdict'>,
    private readonly assignments: Pick<AssignmentService, 'forClient'>,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly host: Pick<HostApi, 'getClient'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly orderClicks: Pick<OrderClickService, 'record'>,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  /**
   * A new client. A typed code is a deliberate choice and a registered domain the partner's word
   * for the customer; both beat the cookie, which may be weeks old. An agent's own account is
   * never attributed; a sign-up with the agent's mailbox or from the agent's browser is refused
   * or flagged for review, as `self_referral` says.
   */
  async onClientAdd(clientId: number, cookies: Record<string, string | undefined>, details: SignUpDetails = {}): Promise<Referral | null> {
    const now = this.clock.now();
    const claim = (await this.claims.byCode(details.referralCode)) ?? (await this.claims.byEmail(details.email)) ?? (await this.claims.byCookie(cookies[REFERRAL_COOKIE], now));
    if (!claim) return null;
    const { agent } = claim;
    const verdict = await this.selfReferrals.verdict(agent, clientId, details.email, cookies);
    if (verdict === 'reject') return null;
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agent.id} is missing`);
    // The referral and its webhook event stand or fall together; a second delivery finds it made.
    await inTransaction(this.db, async (trx) => {
      try {
        await trx(T.referrals).insert({
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
        return;
      }
      await this.outbox.add(trx, 'referral.created', { client_id: clientId, agent_id: agent.id, program_id: program.id, how: 'sign-up', reassigned: false });
    });
    const referral = await this.assignments.forClient(clientId);
    // Also on a second delivery (the referral was stored, the review not yet): the unique index on
    // the client makes this at most one review.
    if (verdict && referral?.agentId === agent.id) await openReview(this.db, clientId, agent.id, verdict.flag, now);
    return referral;
  }

  /**
   * An order, with the code typed and the domain ordered at checkout, and the referral cookie its
   * browser carries. The code or domain assigns the client as below; the cookie's click is kept
   * for this order when its agent's program attributes orders (`attribution_scope: order`).
   */
  async onCheckout(clientId: number, orderId: number, cookies: Record<string, string | undefined>, details: CheckoutDetails): Promise<Referral | null> {
    const assigned = await this.assignAtCheckout(clientId, orderId, cookies, details);
    await this.orderClicks.record(clientId, orderId, cookies);
    return assigned;
  }

  /**
   * A client with no live assignment becomes the code's agent (or else the domain's), so this
   * order and later ones earn for them. A live assignment is exclusive and stays: the evidence is
   * logged, not applied. The self-referral rules are those of sign-up.
   */
  private async assignAtCheckout(clientId: number, orderId: number, cookies: Record<string, string | undefined>, details: CheckoutDetails): Promise<Referral | null> {
    const claim = (await this.claims.byCode(details.referralCode)) ?? (await this.claims.byDomain(details.domain));
    if (!claim) return null;
    const { agent } = claim;
    const existing = await this.assignments.forClient(clientId);
    if (existing && existing.endedAt === null) {
      if (existing.agentId !== agent.id)
        this.logger.info('checkout evidence not applied: the client is assigned to another agent', { clientId, orderId, agentId: existing.agentId, claimedBy: agent.id, evidence: claim.evidence });
      return existing;
    }
    // An assignment that was ended (by an admin, or a rejected review) is not undone by the same agent.
    if (existing && existing.agentId === agent.id) {
      this.logger.info("checkout evidence not applied: the agent's assignment of this client was ended", { clientId, orderId, agentId: agent.id, evidence: claim.evidence });
      return existing;
    }
    const client = await this.host.getClient(clientId);
    const verdict = await this.selfReferrals.verdict(agent, clientId, client?.email, cookies);
    if (verdict === 'reject') return null;
    // A client reviewed before (kept or rejected) is not attributed again by evidence like that.
    if (verdict && (await hasReview(this.db, clientId))) {
      this.logger.warn('self-referral not attributed: the client was reviewed before', { agentId: agent.id, clientId, orderId });
      return null;
    }
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agent.id} is missing`);
    const now = this.clock.now();
    const row = {
      agent_id: agent.id,
      program_id: program.id,
      terms_version: program.version,
      click_uid: null,
      clicked_at: null,
      source: null,
      rule: claim.rule,
      evidence: claim.evidence,
      created_at: now,
      ended_at: null,
    };
    // The assignment, its log line and its review stand or fall together.
    const won = await inTransaction(this.db, async (trx) => {
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
      await trx(T.assignmentLog).insert({
        client_id: clientId,
        from_agent_id: null,
        to_agent_id: agent.id,
        order_id: orderId,
        reason: `${claim.evidence} at checkout`,
        actor: 'checkout',
        created_at: now,
      });
      if (verdict) await openReview(trx, clientId, agent.id, verdict.flag, now);
      await this.outbox.add(trx, 'referral.created', { client_id: clientId, agent_id: agent.id, program_id: program.id, how: 'checkout', reassigned: existing !== null });
      return true;
    });
    if (!won) this.logger.info('checkout evidence not applied: another checkout or sign-up got there first', { clientId, orderId, agentId: agent.id });
    return this.assignments.forClient(clientId);
  }
}
