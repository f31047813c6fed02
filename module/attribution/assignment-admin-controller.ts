import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import type { AdminPageForm } from '../http/admin-page-form';
import { idField as id, textField as text } from '../http/forms';
import type { AssignmentService } from './assignment-service';
import type { ReviewService } from './review-service';

const forms = {
  // confirm_self_referral: the admin saw the self-referral warning and assigns anyway.
  assign: z.object({ agent_id: id, client_id: id, reason: text(255), confirm_self_referral: z.enum(['yes']).optional() }),
  reviewKeep: z.object({ review_id: id }),
  reviewReject: z.object({ review_id: id, reason: text(255) }),
  moveDecide: z.object({ move_id: id, reason: text(255) }),
};

/** A client assigned from an agent's page, and the review queue of the home page. */
export function assignmentAdminActions(
  form: AdminPageForm,
  assignments: Pick<AssignmentService, 'assignByAdmin'>,
  reviews: Pick<ReviewService, 'keep' | 'reject' | 'approveMove' | 'declineMove'>,
): Actions<HostAdmin> {
  return {
    assignClient: form('assign', forms.assign, async (admin, v) => {
      await assignments.assignByAdmin(v.client_id, v.agent_id, admin.username, v.reason, v.confirm_self_referral === 'yes');
      return 'assigned';
    }),

    keepReferral: form('reviewKeep', forms.reviewKeep, async (admin, v) => {
      await reviews.keep(v.review_id, admin.username);
      return 'reviewKept';
    }),

    rejectReferral: form('reviewReject', forms.reviewReject, async (admin, v) => {
      await reviews.reject(v.review_id, admin.username, v.reason);
      return 'reviewRejected';
    }),

    approveReferralMove: form('moveApprove', forms.moveDecide, async (admin, v) => {
      await reviews.approveMove(v.move_id, admin.username, v.reason);
      return 'assigned';
    }),

    declineReferralMove: form('moveDecline', forms.moveDecide, async (admin, v) => {
      await reviews.declineMove(v.move_id, admin.username, v.reason);
      return 'reviewKept';
    }),
  };
}
