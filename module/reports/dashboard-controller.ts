import type { Request, Response } from 'express';
import type { HostApi, HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { ProgramService } from '../programs/program-service';
import type { CommissionQueries } from '../commissions';
import type { AssignmentService } from '../attribution/assignment-service';
import type { WithdrawalService } from '../withdrawals/withdrawal-service';
import type { SlugService } from '../links/slug-service';
import { agentLinks } from '../links';
import type { ReportService } from './report-service';
import type { Actions } from '../http/action';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import type { Pages } from '../http/pages';
import { CLIENT_AREA, REFERRAL_LINK, clientAction } from '../http/paths';
import type { Agent, AgentService } from '../agents/agent-service';
import type { ProbationService } from '../probation/probation-service';
import type { TierView } from '../tiers';

export interface DashboardDeps {
  pages: Pages;
  host: Pick<HostApi, 'getClient' | 'getProduct' | 'siteUrl'>;
  agents: Pick<AgentService, 'byClient'>;
  programs: Pick<ProgramService, 'get'>;
  commissions: Pick<CommissionQueries, 'listForAgent'>;
  assignments: Pick<AssignmentService, 'listForAgent'>;
  withdrawals: Pick<WithdrawalService, 'get' | 'listForAgent' | 'request'>;
  slugs: Pick<SlugService, 'request'>;
  reports: Pick<ReportService, 'agentSummary' | 'sources' | 'managedClients'>;
  /** The countdown of an agent on probation without a first sale yet. */
  probation: Pick<ProbationService, 'countdown'>;
  /** The agent's tier: since when, on what figures, what keeps it and what reaches the next. */
  tierView: Pick<TierView, 'forAgent'>;
}

/**
 * The agent's own page in the client area: figures, links, commissions, referrals, withdrawals
 * and managed clients, with the forms to withdraw and to ask for a short link.
 */
export function dashboardActions(deps: DashboardDeps): Actions<HostUser> {
  const { pages, host, agents, programs, withdrawals } = deps;

  async function show(user: HostUser, req: Request, res: Response, notice: string | null, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const agent = await agents.byClient(user.client_id);
    const page = (html: string) =>
      pages.send(req, res, { area: 'client', title: h.t('affiliate.title'), breadcrumb: [{ label: h.t('affiliate.title'), href: CLIENT_AREA }], html, status: refused?.status });
    if (!agent) return page(await pages.render('client/not-agent', { h }));
    const program = await programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} missing`);
    const [summary, commissions, referrals, agentWithdrawals, sources, managed, probation] = await Promise.all([
      deps.reports.agentSummary(agent.id, program),
      deps.commissions.listForAgent(agent.id),
      deps.assignments.listForAgent(agent.id),
      withdrawals.listForAgent(agent.id),
      deps.reports.sources(agent.id),
      deps.reports.managedClients(agent.id),
      deps.probation.countdown(agent.id),
    ]);
    const names = new Map<number, string>();
    for (const r of referrals) {
      const c = await host.getClient(r.clientId);
      names.set(r.clientId, c ? `${c.firstname} ${c.lastname.slice(0, 1)}.` : `#${r.clientId}`);
    }
    page(
      await pages.render('client/dashboard', {
        h,
        agent,
        program,
        summary,
        commissions,
        referrals,
        withdrawals: agentWithdrawals,
        sources,
        managed,
        probation,
        tiers: await deps.tierView.forAgent(agent, program),
        signInAction: clientAction('signInAsClient'),
        // The WHMCS-compatible service-manager link a client opens to grant access.
        smLink: `${host.siteUrl()}${CLIENT_AREA}&t=serviceManager&affid=${agent.id}`,
        names,
        referralLink: `${host.siteUrl()}${REFERRAL_LINK}?aff=${agent.id}`,
        withdrawAction: clientAction('withdraw'),
        links: await agentLinks(host, agent, program),
        slugAction: clientAction('requestSlug'),
        slugDone: req.query.slug === 'approved' || req.query.slug === 'pending' ? req.query.slug : null,
        errors: refused?.errors ?? {},
        values: refused?.values ?? {},
        notice,
      }),
    );
  }

  async function agentOf(user: HostUser): Promise<Agent> {
    const agent = await agents.byClient(user.client_id);
    if (!agent) throw new RuleError('Your account is not an agent account.');
    return agent;
  }

  return {
    index: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const h = pages.helpers();
        let notice = req.query.signin === 'ended' ? h.t('agent.sign_in_ended') : null;
        const wid = Number(req.query.withdrawal);
        if (Number.isSafeInteger(wid) && wid > 0) {
          const [w, agent] = await Promise.all([withdrawals.get(wid), agents.byClient(user.client_id)]);
          if (w && agent && w.agentId === agent.id) notice = h.t('affiliate.withdrawal_requested', { amount: h.money(w.amount, w.currency) });
        }
        await show(user, req, res, notice);
      },
    },

    withdraw: {
      method: 'POST',
      asClient: 'affiliates',
      async run(user, req, res) {
        const agent = await agentOf(user);
        const program = await programs.get(agent.programId);
        if (!program) throw new Error(`program ${agent.programId} missing`);
        await submitClientForm(
          req,
          res,
          'withdraw',
          async (values) => `${CLIENT_AREA}&withdrawal=${(await withdrawals.request(agent, program, values.amount ?? '')).id}`,
          (rq, rs, refused) => show(user, rq, rs, null, refused),
        );
      },
    },

    // Always the signed-in agent's own slug: the form names no agent, so none other can be asked for.
    requestSlug: {
      method: 'POST',
      async run(user, req, res) {
        const agent = await agentOf(user);
        await submitClientForm(
          req,
          res,
          'requestSlug',
          async (values) => `${CLIENT_AREA}&slug=${(await deps.slugs.request(agent.id, values.slug ?? '')).status}`,
          (rq, rs, refused) => show(user, rq, rs, null, refused),
        );
      },
    },
  };
}
