import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import type { HostAdmin, HostApi, HostClient } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Balances, Ledger } from '../ledger/ledger';
import type { VerifyReport } from '../ledger/verify';
import { CERTIFICATIONS } from '../programs/definition';
import type { ProgramService } from '../programs/program-service';
import type { CommissionQueries } from '../commissions';
import type { AssignmentService } from '../attribution/assignment-service';
import type { ReviewService } from '../attribution/review-service';
import type { SelfReferralService } from '../attribution/self-referral-service';
import type { WithdrawalService } from '../withdrawals/withdrawal-service';
import type { SlugService } from '../links/slug-service';
import type { LinkHosts } from '../tracking/link-hosts-service';
import type { ReportService } from './report-service';
import type { Actions } from '../http/action';
import type { AdminPageForm } from '../http/admin-page-form';
import { adminForm, type RefusedForm } from '../http/form-action';
import type { FieldErrors } from '../http/forms';
import { formValues, idField } from '../http/forms';
import type { Pages } from '../http/pages';
import { ADMIN_AREA, adminAction } from '../http/paths';
import type { AgentService } from '../agents/agent-service';
import type { ApplicationService } from '../applications/application-service';
import type { TierView } from '../tiers';

interface AdminState {
  errors?: Record<string, FieldErrors>;
  values?: Record<string, Record<string, string>>;
  status?: number;
}

const NOTICES: Record<string, string> = {
  activated: 'The client is now an agent.',
  terms: "The agent's terms were saved.",
  checklist: 'The checklist was saved.',
  tier_override: 'The tier was set and logged.',
  targets: "The month's targets were recorded.",
  blocked: 'The agent is blocked; unpaid commissions were forfeited.',
  reactivated: 'The agent is active again.',
  manual: 'The manual commission was added.',
  performer: 'The performer of the invoice line was recorded.',
  assigned: 'The client was assigned.',
  unassigned: 'The client was unassigned; earned commissions stay with the agent.',
  paid: 'The withdrawal is marked paid.',
  program: 'The program was loaded. New referrals take its terms; existing ones keep theirs.',
  linkHosts: 'The deep-link hosts were saved.',
  slugApproved: 'The short link is approved and works now.',
  slugRejected: 'The short link was rejected; the agent may ask for another.',
  signUpSettings: 'The link and sign-up settings were saved.',
  reviewKept: 'The referral was kept.',
  reviewRejected: 'The referral was rejected; the client is no longer assigned to the agent.',
};

export interface AdminPagesDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'getClient'>;
  agents: Pick<AgentService, 'get' | 'list'>;
  programs: Pick<ProgramService, 'get' | 'list'>;
  ledger: Pick<Ledger, 'balances' | 'balancesOf'>;
  verifyLedger: () => Promise<VerifyReport>;
  commissions: Pick<CommissionQueries, 'listForAgent'>;
  assignments: Pick<AssignmentService, 'listForAgent'>;
  unassignedClients: () => Promise<HostClient[]>;
  withdrawals: Pick<WithdrawalService, 'listRequested'>;
  reviews: Pick<ReviewService, 'listOpen'>;
  slugs: Pick<SlugService, 'approvalMode'>;
  selfReferral: Pick<SelfReferralService, 'mode'>;
  linkHosts: Pick<LinkHosts, 'current'>;
  reports: Pick<ReportService, 'recentClicks' | 'sources'>;
  applications: Pick<ApplicationService, 'countPending'>;
  /** The agent's tier panel: status, checklist, override, history (module/tiers). */
  tierView: Pick<TierView, 'forAgent'>;
}

/** An agent's id in a form (the page it came from), or null for the home page's forms. */
function formAgentId(values: Record<string, string>): number | null {
  const agentId = Number(values.agent_id);
  return Number.isSafeInteger(agentId) && agentId > 0 ? agentId : null;
}

/**
 * The admin area's two main pages, each showing several capabilities at once: home (programs, agents, withdrawals to pay, reviews, settings)
 * and an agent's page. Their forms belong to the capabilities that do the work; each refused form
 * shows the page it came from again, and success goes back to it with a notice (`done`).
 */
export function adminPages(deps: AdminPagesDeps) {
  const { pages } = deps;
  const notice = (req: Request) => (typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null);

  async function home(req: Request, res: Response, state: AdminState = {}): Promise<void> {
    const h = pages.helpers(req);
    const [programs, agents] = await Promise.all([deps.programs.list(), deps.agents.list()]);
    // One balances query per program currency, not one per agent.
    const balances = new Map<number, Balances>();
    for (const p of programs) {
      for (const [id, b] of await deps.ledger.balancesOf(
        agents.filter((a) => a.programId === p.id).map((a) => a.id),
        p.currency,
      ))
        balances.set(id, b);
    }
    const rows = [];
    for (const agent of agents) {
      // The host contract reads one client at a time; a batch read is for a later contract version.
      rows.push({ agent, program: programs.find((p) => p.id === agent.programId) ?? null, client: await deps.host.getClient(agent.clientId), balances: balances.get(agent.id) ?? null });
    }
    const html = await pages.render('admin/index', {
      h,
      programs,
      rows,
      unassigned: await deps.unassignedClients(),
      requested: await deps.withdrawals.listRequested(),
      verify: req.query.verify === '1' ? await deps.verifyLedger() : null,
      notice: notice(req),
      errors: state.errors ?? {},
      values: state.values ?? {},
      prefillClient: typeof req.query.client_id === 'string' ? req.query.client_id : '',
      linkHosts: [...deps.linkHosts.current()].join(', '),
      reviews: await deps.reviews.listOpen(),
      applicationsWaiting: await deps.applications.countPending(),
      slugApproval: await deps.slugs.approvalMode(),
      selfReferral: await deps.selfReferral.mode(),
      action: adminAction,
      base: ADMIN_AREA,
    });
    pages.send(req, res, { area: 'admin', title: 'Agent Tools', breadcrumb: [{ label: 'Addons' }, { label: 'Agent Tools', href: ADMIN_AREA }], html, status: state.status });
  }

  async function agentPage(req: Request, res: Response, agentId: number, state: AdminState = {}): Promise<void> {
    const agent = await deps.agents.get(agentId);
    if (!agent) throw new RuleError(`agent ${agentId} does not exist`);
    const program = await deps.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agentId} is missing`);
    const html = await pages.render('admin/agent', {
      h: pages.helpers(req),
      agent,
      program,
      client: await deps.host.getClient(agent.clientId),
      balances: await deps.ledger.balances(agent.id, program.currency),
      commissions: await deps.commissions.listForAgent(agent.id),
      referrals: await deps.assignments.listForAgent(agent.id),
      clicks: await deps.reports.recentClicks(agent.id),
      sources: await deps.reports.sources(agent.id),
      certifications: CERTIFICATIONS,
      tiers: await deps.tierView.forAgent(agent, program),
      notice: notice(req),
      errors: state.errors ?? {},
      values: state.values ?? {},
      // A fresh key per form: submitting the manual commission twice adds it once.
      manualKey: crypto.randomUUID(),
      action: adminAction,
      base: ADMIN_AREA,
    });
    pages.send(req, res, {
      area: 'admin',
      title: `Agent #${agent.id}`,
      breadcrumb: [{ label: 'Addons' }, { label: 'Agent Tools', href: ADMIN_AREA }, { label: `Agent #${agent.id}` }],
      html,
      status: state.status,
    });
  }

  /** Shows the page a refused form came from again: the agent's, or home. */
  function redisplay(req: Request, res: Response, refused: RefusedForm): Promise<void> {
    const state = { errors: { [refused.form]: refused.errors }, values: { [refused.form]: refused.values }, status: refused.status };
    const agentId = formAgentId(refused.values);
    return agentId ? agentPage(req, res, agentId, state) : home(req, res, state);
  }

  const form: AdminPageForm = (name, schema, act) =>
    adminForm(deps.logger, name, schema, redisplay, async (admin, input, req) => {
      const done = await act(admin, input);
      const agentId = formAgentId(formValues(req.body));
      return `${agentId ? `${adminAction('agent')}&id=${agentId}` : ADMIN_AREA}&done=${done}`;
    });

  const actions: Actions<HostAdmin> = {
    index: { method: 'GET', run: (_admin, req, res) => home(req, res) },

    agent: {
      method: 'GET',
      async run(_admin, req, res) {
        const agentId = idField.safeParse(req.query.id);
        if (!agentId.success) throw new RuleError('no such agent');
        await agentPage(req, res, agentId.data);
      },
    },
  };

  return { actions, form };
}
