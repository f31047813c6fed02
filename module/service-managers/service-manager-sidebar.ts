import type { HostApi } from '../contract/host-api';
import type { SidebarPanel } from '../contract/hooks';
import type { AgentService } from '../agents/agent-service';
import type { Pages } from '../http/pages';
import { clientAction } from '../http/paths';
import type { ServiceManagerService } from './service-manager-service';

export interface ServiceManagerSidebarDeps {
  pages: Pages;
  host: Pick<HostApi, 'getClient'>;
  agents: Pick<AgentService, 'get'>;
  serviceManagers: Pick<ServiceManagerService, 'forClient'>;
}

/** "My Service Manager": who manages the client's account, and a link to the details (and revoke). */
export function serviceManagerSidebarPanel({ pages, host, agents, serviceManagers }: ServiceManagerSidebarDeps) {
  return async (clientId: number, _requestUri: string | undefined, language: string): Promise<SidebarPanel | null> => {
    const grant = await serviceManagers.forClient(clientId);
    if (!grant) return null;
    const agent = await agents.get(grant.agentId);
    const contact = agent ? await host.getClient(agent.clientId) : null;
    if (!contact) return null;
    const h = pages.helpersIn(language);
    return {
      name: 'agenttools-service-manager',
      label: h.t('sidebar.service_manager'),
      order: 10,
      bodyHtml: await pages.render('client/sidebar-service-manager', { contact }),
      items: [{ label: h.t('sidebar.details'), uri: clientAction('serviceManagerDetails') }],
    };
  };
}
