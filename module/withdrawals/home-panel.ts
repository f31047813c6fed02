import type { Knex } from 'knex';
import type { SidebarPanel } from '../contract/hooks';
import type { AgentService } from '../agents/agent-service';
import type { Pages } from '../http/pages';
import { CLIENT_AREA, clientAction } from '../http/paths';
import type { Ledger } from '../ledger/ledger';
import type { ProgramService } from '../programs/program-service';
import { payoutStatement } from './payout-statement';

export interface HomePanelDeps {
  db: Knex;
  pages: Pages;
  agents: Pick<AgentService, 'byClient'>;
  programs: Pick<ProgramService, 'get'>;
  ledger: Pick<Ledger, 'balances'>;
}

/**
 * The agent's widget on the client area's home (the Cloudpockets seed): the commission earned so
 * far, how much more must become available before a withdrawal, and Request Withdrawal only when
 * one is allowed (withdrawalAllowed: on request, active, threshold reached), with More Details.
 */
export function agentHomePanel({ db, pages, agents, programs, ledger }: HomePanelDeps) {
  return async (clientId: number): Promise<SidebarPanel | null> => {
    const agent = await agents.byClient(clientId);
    if (!agent || agent.status !== 'active') return null;
    const program = await programs.get(agent.programId);
    if (!program) return null;
    const statement = await payoutStatement(db, ledger, agent, program);
    const h = pages.helpers();
    return {
      name: 'agenttools-affiliate-home',
      label: h.t('home_panel.title'),
      order: 20,
      bodyHtml: await pages.render('client/home-panel', { h, program, statement, payoutsLink: clientAction('payouts') }),
      items: [{ label: h.t('home_panel.more'), uri: CLIENT_AREA }],
    };
  };
}
