import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import { localeOf } from '../i18n/lang';
import type { Actions } from '../http/action';
import { idField as id, optionalField as optional, textField as text } from '../http/forms';
import type { AdminPageForm } from '../http/admin-page-form';
import type { ForfeitureService } from './forfeiture-service';
import type { ManualCommissions } from './manual-commissions';

const forms = {
  manual: z.object({ agent_id: id, amount: text(20), reason: text(255), key: z.string().uuid('adminarea.error.reload'), client_id: optional(id) }),
  block: z.object({ agent_id: id, reason: text(255) }),
};

/** On an agent's admin page: a commission for work the rules do not see, and blocking the agent, which forfeits what was not paid. */
export function commissionAdminActions(form: AdminPageForm, manualCommissions: Pick<ManualCommissions, 'addManual'>, forfeiture: Pick<ForfeitureService, 'block'>): Actions<HostAdmin> {
  return {
    blockAgent: form('block', forms.block, async (admin, v) => {
      await forfeiture.block(v.agent_id, v.reason, admin.username);
      return 'blocked';
    }),

    manualCommission: form('manual', forms.manual, async (admin, v) => {
      // The amount as the admin typed it, in their language's way (the page's form resolved it).
      await manualCommissions.addManual(v.agent_id, v.amount, v.reason, v.key, v.client_id ?? 0, localeOf(admin.language ?? 'english'));
      return 'manual';
    }),
  };
}
