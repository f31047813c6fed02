import type { SidebarPanel } from '../contract/hooks';
import type { AgentService } from '../agents/agent-service';
import type { Pages } from '../http/pages';
import { CLIENT_AREA, clientAction } from '../http/paths';
import type { ProgramService } from '../programs/program-service';
import type { WithdrawalService } from './withdrawal-service';

export interface HomePanelDeps {
  pages: Pages;
  agents: Pick<AgentService, 'byClient'>;
  programs: Pick<ProgramService, 'get'>;
  withdrawals: Pick<WithdrawalService, 'statement'>;
}

/**
 * The agent's widget on the client area's home (the Cloudpockets seed): the commission earned so
 * far, how much more must become available before a withdrawal, and Request Withdrawal only when
 * one is allowed (withdrawalAllowed: on request, active, threshold reached), with More Details.
 * In the client's language, as the hook decided it.
 */
export function agentHomePanel({ pages, agents, programs, withdrawals }: HomePanelDeps) {
  return async (clientId: number, _requestUri: string | undefined, language: string): Promise<SidebarPanel | null> => {
    const agent = await agents.byClient(clientId);
    if (!agent || agent.status !== 'active') return null;
    const program = await programs.get(agent.programId);
    if (!program) return null;
    const statement = await withdrawals.statement(agent, program);
    const h = pages.helpersIn(language);
    return {
      name: 'agenttools-affiliate-home',
      label: h.t('home_panel.title'),
      order: 20,
      bodyHtml: await pages.render('client/home-panel', { h, program, statement, payoutsLink: clientAction('payouts') }),
      items: [{ label: h.t('home_panel.more'), uri: CLIENT_AREA }],
    };
  };
}
