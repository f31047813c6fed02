import type { Request, Response } from 'express';
import type { HostUser } from '../contract/host-api';
import type { Pages } from '../http/pages';
import { RuleError } from '../core/errors';
import type { Program, ProgramService } from '../programs/program-service';
import type { Agent, AgentService } from './agent-service';

export interface AgentPageDeps {
  pages: Pages;
  agents: Pick<AgentService, 'byClient'>;
  programs: Pick<ProgramService, 'get'>;
}

export interface SignedInAgent {
  agent: Agent;
  program: Program;
}

/**
 * The signed-in client's agent account and its program, for one of the agent's pages; for a client
 * who is not an agent, the page that says so (with the way to apply) is sent instead and the
 * answer is null, as the Overview does.
 */
export async function agentForPage(deps: AgentPageDeps, user: HostUser, req: Request, res: Response, titleKey: string): Promise<SignedInAgent | null> {
  const agent = await deps.agents.byClient(user.client_id);
  if (!agent) {
    const h = deps.pages.helpers(req);
    deps.pages.clientPage(req, res, { titleKey, html: await deps.pages.render('client/not-agent', { h }) });
    return null;
  }
  const program = await deps.programs.get(agent.programId);
  // Agents reference programs by key; a missing one is a broken database, not a visitor's mistake.
  if (!program) throw new Error(`program ${agent.programId} missing`);
  return { agent, program };
}

/**
 * The signed-in client's agent account and its program, for a form the agent posts: a client who
 * is not an agent is refused (422), since a form names no page to show instead.
 */
export async function agentForForm(deps: Omit<AgentPageDeps, 'pages'> & { pages: Pick<Pages, 'helpers'> }, user: HostUser): Promise<SignedInAgent> {
  const agent = await deps.agents.byClient(user.client_id);
  if (!agent) throw new RuleError('affiliate.not_agent_form');
  const program = await deps.programs.get(agent.programId);
  if (!program) throw new Error(`program ${agent.programId} missing`);
  return { agent, program };
}

/** The page of an object that is not this agent's (or does not exist): the same 404 either way, so that ids reveal nothing. */
export function notFound(pages: Pages, req: Request, res: Response, titleKey: string, messageKey: string): void {
  const t = pages.helpers(req).t;
  pages.alert(req, res, { area: 'client', title: t(titleKey), breadcrumb: [], status: 404 }, t(messageKey));
}
