import type { HostApi, HostUser } from '../contract/host-api';
import { agentForPage, type AgentPageDeps } from '../agents';
import type { Actions } from '../http/action';
import { CLIENT_AREA, clientAction } from '../http/paths';
import type { ReportService } from './report-service';

const PAGE = clientAction('managed');

export interface ManagedControllerDeps extends AgentPageDeps {
  host: Pick<HostApi, 'siteUrl'>;
  reports: Pick<ReportService, 'managedClients'>;
}

/**
 * Clients you manage: the clients who made the agent their service manager, with their services,
 * latest invoices and earnings, and the sign-in as each. Not open to an agent signed in as a
 * client (no asClient): these are the agent's powers over other clients.
 */
export function managedActions(deps: ManagedControllerDeps): Actions<HostUser> {
  const { pages, host, reports } = deps;
  return {
    managed: {
      method: 'GET',
      async run(user, req, res) {
        const me = await agentForPage(deps, user, req, res, 'managed.title');
        if (!me) return;
        const h = pages.helpers(req);
        const html = await pages.render('client/managed', {
          h,
          managed: await reports.managedClients(me.agent.id),
          signInAction: clientAction('signInAsClient'),
          // The WHMCS-compatible service-manager link a client opens to grant access.
          smLink: `${host.siteUrl()}${CLIENT_AREA}&t=serviceManager&affid=${me.agent.id}`,
          notice: req.query.signin === 'ended' ? h.t('agent.sign_in_ended') : null,
        });
        pages.clientPage(req, res, { titleKey: 'managed.title', href: PAGE, html });
      },
    },
  };
}
