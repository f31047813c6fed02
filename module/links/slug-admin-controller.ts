import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import type { AdminPageForm } from '../http/admin-page-form';
import { idField as id } from '../http/forms';
import type { SlugService } from './slug-service';

const slugForm = z.object({ agent_id: id });

/** On an agent's admin page: the short link they asked for, approved or rejected. */
export function slugAdminActions(form: AdminPageForm, slugs: Pick<SlugService, 'approve' | 'reject'>): Actions<HostAdmin> {
  return {
    approveSlug: form('slug', slugForm, async (_admin, v) => {
      await slugs.approve(v.agent_id);
      return 'slugApproved';
    }),

    rejectSlug: form('slug', slugForm, async (_admin, v) => {
      await slugs.reject(v.agent_id);
      return 'slugRejected';
    }),
  };
}
