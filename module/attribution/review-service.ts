import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { AssignmentService } from './assignment-service';
import { asRows, num, oneOf, rowOrNull, text } from '../db/columns';
import { inTransaction } from '../db/transaction';
import type { ReferralMove, ReferralMoveService } from './referral-move-service';

const REVIEW_STATUSES = ['open', 'kept', 'rejected'] as const;

export interface ReferralReview {
  kind: 'self_referral';
  id: number;
  clientId: number;
  agentId: number;
  reason: string;
  status: (typeof REVIEW_STATUSES)[number];
  createdAt: number;
}

export { REVIEW_REASON } from './review-reasons';

/** Puts a client in the review queue for this reason, once: a second event for it adds nothing. */
export async function openReview(db: Knex | Knex.Transaction, clientId: number, agentId: number, reason: string, now: number): Promise<void> {
  await db(T.referralReviews).insert({ client_id: clientId, agent_id: agentId, reason, status: 'open', created_at: now }).onConflict(['client_id', 'reason']).ignore();
}

/** Whether the client was ever put in the review queue, for any reason and whatever came of it. */
export async function hasReview(db: Knex, clientId: number): Promise<boolean> {
  return !!(await db(T.referralReviews).where({ client_id: clientId }).first('id'));
}

/** What the agent earned from the client and still holds, voided when the referral is rejected (the commissions do it). */
export interface HeldEarnings {
  voidHeldFrom(trx: Knex.Transaction, agentId: number, clientId: number, key: string, reason: string): Promise<void>;
}

/**
 * The admin's review queue: sign-ups attributed although they look like self-referrals (when
 * `self_referral` is 'flag'): a sign-up with the agent's e-mail or from their browser, or an
 * invoice paid with their card. Each client is reviewed once for each reason. Keeping one closes
 * the review; rejecting it unassigns the client, logged with the admin's reason like any
 * unassignment, and voids what the agent holds from that client. The queue also holds the grants
 * that would move a live referral to a service manager (`grant_moves_referral:
 * with_admin_approval`), which the admin approves or declines.
 */
export class ReviewService {
  constructor(
    private readonly db: Knex,
    private readonly assignments: Pick<AssignmentService, 'unassign'>,
    private readonly held: HeldEarnings,
    private readonly clock: Clock,
    private readonly moves: Pick<ReferralMoveService, 'listOpen' | 'approve' | 'decline'>,
  ) {}

  /** The queue: sign-ups that look like self-referrals, then grants that would move a referral. */
  async listOpen(limit = 200): Promise<(ReferralReview | ReferralMove)[]> {
    const rows = asRows(await this.db(T.referralReviews).where({ status: 'open' }).orderBy('id').limit(limit));
    const reviews: ReferralReview[] = rows.map((r) => ({
      kind: 'self_referral',
      id: num(r.id),
      clientId: num(r.client_id),
      agentId: num(r.agent_id),
      reason: text(r.reason),
      status: oneOf(REVIEW_STATUSES, r.status),
      createdAt: num(r.created_at),
    }));
    return [...reviews, ...(await this.moves.listOpen(limit))];
  }

  /** The service manager becomes the agent who earns on the client: see ReferralMoveService. */
  async approveMove(moveId: number, actor: string, reason: string): Promise<void> {
    await this.moves.approve(moveId, actor, reason);
  }

  /** The referral stays with the agent who has it; the service manager keeps their access. */
  async declineMove(moveId: number, actor: string, reason: string): Promise<void> {
    await this.moves.decline(moveId, actor, reason);
  }

  async keep(reviewId: number, actor: string): Promise<void> {
    const n = await this.db(T.referralReviews)
      .where({ id: reviewId, status: 'open' })
      .update({ status: 'kept', decided_by: actor.slice(0, 120), decided_at: this.clock.now() });
    if (!n) throw new RuleError('reviews.error.decided', 'review_id');
  }

  /**
   * The agent did not win this client: the assignment ends, and what the agent earned from the
   * client by it and still holds is voided. Money already released stays (it may be withdrawn);
   * the admin reverses it by hand if need be.
   */
  async reject(reviewId: number, actor: string, reason: string): Promise<void> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const review = rowOrNull(await this.db(T.referralReviews).where({ id: reviewId, status: 'open' }).first());
    if (!review) throw new RuleError('reviews.error.decided', 'review_id');
    const clientId = num(review.client_id);
    const agentId = num(review.agent_id);
    // One transaction: a second admin rejecting at once finds the review decided, and nothing half done.
    await inTransaction(this.db, async (trx) => {
      const n = await trx(T.referralReviews)
        .where({ id: reviewId, status: 'open' })
        .update({ status: 'rejected', decided_by: actor.slice(0, 120), decision_reason: reason.slice(0, 255), decided_at: this.clock.now() });
      if (!n) throw new RuleError('reviews.error.decided', 'review_id');
      // Another review of the same client may have ended the assignment already.
      const live: unknown = await trx(T.referrals).where({ client_id: clientId, agent_id: agentId }).whereNull('ended_at').first('id');
      if (live) await this.assignments.unassign(clientId, agentId, actor, reason, trx);
      await this.held.voidHeldFrom(trx, agentId, clientId, `review:${reviewId}`, reason);
    });
  }
}
