import type { HostAdmin } from '../contract/host-api';
import type { Actions } from '../http/action';
import { idField } from '../http/forms';
import type { Pages } from '../http/pages';
import { ADMIN_AREA, adminAction } from '../http/paths';
import type { SignInService } from './sign-in-service';
import { fullName, type PeopleService } from '../admin-area/people-service';

/** The admin's audit log of every sign-in as client, for all agents or one. */
/** `people` names the agents and clients (the admin reads people by name, the id only as a detail). */
export function signInAuditActions(pages: Pages, signIns: Pick<SignInService, 'auditFor'>, people: Pick<PeopleService, 'agents' | 'clients'>): Actions<HostAdmin> {
  return {
    signInAudit: {
      method: 'GET',
      async run(_admin, req, res) {
        const filter = idField.safeParse(req.query.agent_id);
        const h = pages.helpers(req);
        const entries = await signIns.auditFor(filter.success ? { agentId: filter.data } : {}, 200);
        const [agents, clients] = await Promise.all([people.agents(entries.map((e) => e.agentId)), people.clients(entries.map((e) => e.clientId))]);
        const agentName = (id: number) => {
          const a = agents.get(id);
          return a?.client ? fullName(a.client) : h.t('adminarea.person.agent_id', { id });
        };
        const clientName = (id: number) => {
          const c = clients.get(id);
          return c ? fullName(c) : h.t('adminarea.person.client_id', { id });
        };
        const html = await pages.render('admin/sign-in-audit', { h, entries, agentId: filter.success ? filter.data : null, agentName, clientName, action: adminAction });
        pages.send(req, res, {
          area: 'admin',
          title: h.t('adminarea.page.signInAudit'),
          breadcrumb: [{ label: h.t('adminarea.crumb.module'), href: ADMIN_AREA }, { label: h.t('adminarea.crumb.auditLog') }],
          html,
        });
      },
    },
  };
}
