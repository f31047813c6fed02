import type { Core } from '../agenttools';
import type { SidebarPanel } from '../contract/hooks';
import { render, viewHelpers } from './render';
import { CLIENT_AREA } from './paths';

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
