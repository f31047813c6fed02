import type { Core } from '../agenttools';
import type { SidebarPanel } from '../contract/hooks';
import { render, viewHelpers } from './render';
import { CLIENT_AREA, clientAction } from './paths';

/** The "Affiliate" panel for a client who is an agent: their available balance and a link. */
export async function agentSidebarPanel(core: Core, clientId: number): Promise<SidebarPanel | null> {
  const agent = await core.agents.byClient(clientId);
  if (!agent || agent.status !== 'active') return null;
  const program = await core.programs.get(agent.programId);
  if (!program) return null;
  const available = await core.ledger.balanceIn(core.db, agent.id, 'available', program.currency);
  const h = viewHelpers('english', '');
  return {
    name: 'agenttools-affiliate',
    label: h.t('sidebar.affiliate'),
    order: 20,
    bodyHtml: await render('client/sidebar-agent', { h, available, program }),
    items: [{ label: h.t('sidebar.open'), uri: CLIENT_AREA }],
  };
}

/** "My Service Manager": who manages the client's account, and a link to the details (and revoke). */
export async function serviceManagerSidebarPanel(core: Core, clientId: number): Promise<SidebarPanel | null> {
  const grant = await core.serviceManagers.forClient(clientId);
  if (!grant) return null;
  const agent = await core.agents.get(grant.agentId);
  const contact = agent ? await core.host.getClient(agent.clientId) : null;
  if (!contact) return null;
  const h = viewHelpers(core.language, '');
  return {
    name: 'agenttools-service-manager',
    label: h.t('sidebar.service_manager'),
    order: 10,
    bodyHtml: await render('client/sidebar-service-manager', { contact }),
    items: [{ label: h.t('sidebar.details'), uri: clientAction('serviceManagerDetails') }],
  };
}
