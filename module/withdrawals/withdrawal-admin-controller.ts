import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import { idField as id } from '../http/forms';
import type { AdminPageForm } from '../http/admin-page-form';
import type { WithdrawalService } from './withdrawal-service';

/** On the admin's home page: a requested withdrawal, paid. */
export function withdrawalAdminActions(form: AdminPageForm, withdrawals: Pick<WithdrawalService, 'markPaid'>): Actions<HostAdmin> {
  return {
    markPaid: form('paid', z.object({ withdrawal_id: id }), async (admin, v) => {
      await withdrawals.markPaid(v.withdrawal_id, admin.id);
      return 'paid';
    }),
  };
}
