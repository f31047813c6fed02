import { z } from 'zod';
import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import type { AdminPageForm } from '../http/admin-page-form';
import { idField as id, textField as text } from '../http/forms';
import type { AdminAssignmentService } from './admin-assignment-service';
import type { ServiceManagerService } from './service-manager-service';

const forms = {
  unassign: z.object({ agent_id: id, client_id: id, reason: text(255) }),
  // to_agent, not agent_id: this form lives on the home page, and agent_id sends answers to an agent's page.
  assignNew: z.object({
    client_id: id,
    to_agent: id,
    reason: text(255),
    service_manager: z.enum(['yes']).optional(),
    email: z.enum(['yes']).optional(),
    confirm_self_referral: z.enum(['yes']).optional(),
  }),
};

/** A client unlinked from an agent's page (the grant goes too), and a client with no agent assigned from the home page. */
export function serviceManagerAdminActions(form: AdminPageForm, serviceManagers: Pick<ServiceManagerService, 'unlink'>, adminAssignments: Pick<AdminAssignmentService, 'assign'>): Actions<HostAdmin> {
  return {
    unassignClient: form('unassign', forms.unassign, async (admin, v) => {
      await serviceManagers.unlink(v.client_id, v.agent_id, admin.username, v.reason);
      return 'unassigned';
    }),

    assignUnassigned: form('assignNew', forms.assignNew, async (admin, v) => {
      await adminAssignments.assign(
        { clientId: v.client_id, agentId: v.to_agent, serviceManager: v.service_manager === 'yes', email: v.email === 'yes', reason: v.reason, confirmed: v.confirm_self_referral === 'yes' },
        admin.username,
      );
      return 'assigned';
    }),
  };
}
