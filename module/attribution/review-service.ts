import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import type { AttributionService } from './attribution-service';

export interface ReferralReview {
  id: number;
  clientId: number;
  agentId: number;
  reason: string;
  status: 'open' | 'kept' | 'rejected';
  createdAt: number;
}

/**
 * The admin's review queue: sign-ups attributed although they look like self-referrals (when
 * `self_referral` is 'flag'). Keeping one closes the review; rejecting it unassigns the client,
 * logged with the admin's reason like any unassignment.
 */
export class ReviewService {
  constructor(
    private readonly db: Knex,
    private readonly attribution: AttributionService,
    private readonly clock: Clock,
  ) {}

  async listOpen(limit = 200): Promise<ReferralReview[]> {
    const rows = await this.db(T.referralReviews).where({ status: 'open' }).orderBy('id').limit(limit);
    return rows.map((r) => ({ id: Number(r.id), clientId: Number(r.client_id), agentId: Number(r.agent_id), reason: String(r.reason), status: r.status, createdAt: Number(r.created_at) }));
  }

  async keep(reviewId: number, actor: string): Promise<void> {
    const n = await this.db(T.referralReviews)
      .where({ id: reviewId, status: 'open' })
      .update({ status: 'kept', decided_by: actor.slice(0, 120), decided_at: this.clock.now() });
    if (!n) throw new RuleError('This review is already decided.', 'review_id');
  }

  async reject(reviewId: number, actor: string, reason: string): Promise<void> {
    if (!reason.trim()) throw new RuleError('give a reason', 'reason');
    const review = await this.db(T.referralReviews).where({ id: reviewId, status: 'open' }).first();
    if (!review) throw new RuleError('This review is already decided.', 'review_id');
    await this.attribution.unassign(Number(review.client_id), Number(review.agent_id), actor, reason);
    await this.db(T.referralReviews)
      .where({ id: reviewId, status: 'open' })
      .update({ status: 'rejected', decided_by: actor.slice(0, 120), decision_reason: reason.slice(0, 255), decided_at: this.clock.now() });
  }
}
