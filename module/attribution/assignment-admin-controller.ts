import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import type { AdminPageForm } from '../http/admin-page-form';
import { idField as id, textField as text } from '../http/forms';
import type { AssignmentService } from './assignment-service';
import type { ReviewService } from './review-service';

const forms = {
  assign: z.object({ agent_id: id, client_id: id, reason: text(255) }),
  reviewKeep: z.object({ review_id: id }),
  reviewReject: z.object({ review_id: id, reason: text(255) }),
};

/** A client assigned from an agent's page, and the self-referral review queue of the home page. */
export function assignmentAdminActions(form: AdminPageForm, assignments: Pick<AssignmentService, 'assign'>, reviews: Pick<ReviewService, 'keep' | 'reject'>): Actions<HostAdmin> {
  return {
    assignClient: form('assign', forms.assign, async (admin, v) => {
      await assignments.assign(v.client_id, v.agent_id, admin.username, v.reason);
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
  };
}
