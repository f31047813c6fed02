import { z } from 'zod';
import type { HostAdmin, HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { AgentService } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { idField as id } from '../http/forms';
import type { AdminPageForm } from '../http/admin-page-form';
import type { Pages } from '../http/pages';
import { formValues } from '../http/forms';
import { clientAction } from '../http/paths';
import type { WithdrawalEnding } from './withdrawal-ending';

/** A reason the agent will read: missing, empty or too long is the service's to refuse, beside the field. */
const reason = z.string().default('');

/** On an admin page, per requested withdrawal (templates/partials/withdrawal-admin-actions.ejs). */
export function withdrawalEndingAdminActions(form: AdminPageForm, ending: Pick<WithdrawalEnding, 'reject' | 'cancel'>): Actions<HostAdmin> {
  return {
    rejectWithdrawal: form('reject_withdrawal', z.object({ withdrawal_id: id, reason }), async (admin, v) => {
      await ending.reject(v.withdrawal_id, admin.id, v.reason);
      return 'withdrawalRejected';
    }),
    cancelWithdrawal: form('cancel_withdrawal', z.object({ withdrawal_id: id, reason }), async (admin, v) => {
      await ending.cancel(v.withdrawal_id, admin.id, v.reason);
      return 'withdrawalCancelled';
    }),
  };
}

export interface WithdrawalEndingClientDeps {
  pages: Pages;
  agents: Pick<AgentService, 'byClient'>;
  ending: Pick<WithdrawalEnding, 'cancelOwn'>;
}

/**
 * The agent cancels their own request (templates/partials/withdrawal-actions.ejs on Payouts).
 * The agent is the session's, never the form's; not open to a service manager signed in as the
 * client. A refusal (not an agent, not theirs, no longer requested) is a 422 page saying why.
 */
export function withdrawalEndingClientActions({ pages, agents, ending }: WithdrawalEndingClientDeps): Actions<HostUser> {
  return {
    cancelWithdrawal: {
      method: 'POST',
      async run(user, req, res) {
        const t = pages.helpers(req).t;
        try {
          const agent = await agents.byClient(user.client_id);
          if (!agent) throw new RuleError('affiliate.not_agent');
          const wid = id.safeParse(formValues(req.body).withdrawal_id ?? '');
          if (!wid.success) throw new RuleError('withdrawal_end.error.not_found', 'withdrawal_id');
          const w = await ending.cancelOwn(agent.id, wid.data);
          res.redirect(303, `${clientAction('payouts')}&cancelled=${w.id}`);
        } catch (e) {
          if (!(e instanceof RuleError)) throw e;
          pages.alert(req, res, { area: 'client', title: t('withdrawal_end.agent.title'), breadcrumb: [], status: 422 }, e.text(t));
        }
      },
    },
  };
}
