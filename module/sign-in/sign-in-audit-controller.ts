import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import { idField } from '../http/forms';
import type { Pages } from '../http/pages';
import { ADMIN_AREA } from '../http/paths';
import type { SignInService } from './sign-in-service';

/** The admin's audit log of every sign-in as client, for all agents or one. */
export function signInAuditActions(pages: Pages, signIns: Pick<SignInService, 'auditFor'>): Actions<HostAdmin> {
  return {
    signInAudit: {
      method: 'GET',
      async run(_admin, req, res) {
        const filter = idField.safeParse(req.query.agent_id);
        const h = pages.helpers(req);
        const entries = await signIns.auditFor(filter.success ? { agentId: filter.data } : {}, 200);
        const html = await pages.render('admin/sign-in-audit', { h, entries, agentId: filter.success ? filter.data : null });
        pages.send(req, res, { area: 'admin', title: 'Sign in as client: audit log', breadcrumb: [{ label: 'Agent Tools', href: ADMIN_AREA }, { label: 'Audit log' }], html });
      },
    },
  };
}
