import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import { idField as id } from '../http/forms';
import type { AdminPageForm } from '../http/admin-page-form';
import type { TargetService } from './target-service';

const forms = {
  // The agent page's old "targets met" checkbox, now the admin's override of the measured result.
  targets: z.object({
    agent_id: id,
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'adminarea.error.month_format'),
    met: z.enum(['yes', 'no', 'measured'], { message: 'adminarea.error.met' }),
    reason: z.string().trim().min(1, 'errors.reason_required').max(255, 'adminarea.error.at_most_255'),
  }),
};

/** The agent page's form that overrides a month's measured targets, with a reason for the log. */
export function targetAdminActions(form: AdminPageForm, targets: Pick<TargetService, 'override'>): Actions<HostAdmin> {
  return {
    setTargets: form('targets', forms.targets, async (admin, v) => {
      await targets.override(v.agent_id, v.month, v.met === 'measured' ? null : v.met === 'yes', v.reason, `admin:${admin.id}`);
      return 'targets';
    }),
  };
}
