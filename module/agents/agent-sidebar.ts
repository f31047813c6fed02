import type { Knex } from 'knex';
import type { SidebarPanel } from '../contract/hooks';
import type { Ledger } from '../ledger/ledger';
import type { ProgramService } from '../programs/program-service';
import type { Pages } from '../http/pages';
import { agentNavItems } from './agent-nav';
import type { AgentService } from './agent-service';

export interface AgentSidebarDeps {
  db: Knex;
  pages: Pages;
  agents: Pick<AgentService, 'byClient'>;
  programs: Pick<ProgramService, 'get'>;
  ledger: Pick<Ledger, 'balanceIn'>;
}

/**
 * The "Agent Tools" panel for a client who is an agent: their available balance and every page of
 * the agent's area (AGENT_NAV), the one the request is on marked current, as WHMCS marks a
 * sidebar's active item. In the client's language, as the hook decided it.
 */
export function agentSidebarPanel({ db, pages, agents, programs, ledger }: AgentSidebarDeps) {
  return async (clientId: number, requestUri: string | undefined, language: string): Promise<SidebarPanel | null> => {
    const agent = await agents.byClient(clientId);
    if (!agent || agent.status !== 'active') return null;
    const program = await programs.get(agent.programId);
    if (!program) return null;
    const available = await ledger.balanceIn(db, agent.id, 'available', program.currency);
    const h = pages.helpersIn(language);
    return {
      name: 'agenttools-affiliate',
      label: h.t('agentnav.panel'),
      order: 20,
      bodyHtml: await pages.render('client/sidebar-agent', { h, available, program }),
      items: agentNavItems(h.t, requestUri, program),
    };
  };
}
