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
import { adminCrumbs, fullName, PICKER_SCRIPT_PATH, withdrawalsAction, type InboxService, type PeopleService } from '../admin-area';

interface AdminState {
  errors?: Record<string, FieldErrors>;
  values?: Record<string, Record<string, string>>;
  status?: number;
}

/** The notice a form's success shows (`done`): a lang key. */
const NOTICES: Record<string, string> = {
  activated: 'adminarea.done.activated',
  terms: 'adminarea.done.terms',
  checklist: 'adminarea.done.checklist',
  tier_override: 'adminarea.done.tier_override',
  targets: 'adminarea.done.targets',
  blocked: 'adminarea.done.blocked',
  reactivated: 'adminarea.done.reactivated',
  manual: 'adminarea.done.manual',
  performer: 'adminarea.done.performer',
  assigned: 'adminarea.done.assigned',
  unassigned: 'adminarea.done.unassigned',
  paid: 'adminarea.done.paid',
  program: 'adminarea.done.program',
  linkHosts: 'adminarea.done.linkHosts',
  slugApproved: 'adminarea.done.slugApproved',
  slugRejected: 'adminarea.done.slugRejected',
  signUpSettings: 'adminarea.done.signUpSettings',
  reviewKept: 'adminarea.done.reviewKept',
  reviewRejected: 'adminarea.done.reviewRejected',
  withdrawalRejected: 'adminarea.done.withdrawalRejected',
  withdrawalCancelled: 'adminarea.done.withdrawalCancelled',
};

/** The admin area's own pages (besides an agent's), by action. */
const PAGES = ['index', 'agents', 'withdrawals', 'reviews', 'shortLinks', 'programs', 'settings', 'emailLog'] as const;
type PageName = (typeof PAGES)[number];

/** The page each home-level form lives on: where a refused form shows again and success goes back to. */
const FORM_PAGE: Record<string, PageName> = {
  activate: 'agents',
  assignNew: 'agents',
  paid: 'withdrawals',
  reviewKeep: 'reviews',
  reviewReject: 'reviews',
  moveApprove: 'reviews',
  moveDecline: 'reviews',
  slug: 'shortLinks',
  program: 'programs',
  linkHosts: 'settings',
  signUpSettings: 'settings',
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
  inbox: Pick<InboxService, 'counts' | 'emails' | 'pendingSlugs'>;
  people: Pick<PeopleService, 'clients' | 'agents'>;
  /** Whether the admin area has an action of this name (another capability's page, such as `payouts`). */
  hasAction: (action: string) => boolean;
}

/** An agent's id in a form (the page it came from), or null for the area's other pages' forms. */
function formAgentId(values: Record<string, string>): number | null {
  const agentId = Number(values.agent_id);
  return Number.isSafeInteger(agentId) && agentId > 0 ? agentId : null;
}

/** A page a form names to go back to (`back`), when it is one of these pages. */
function formBack(values: Record<string, string>): PageName | null {
  return (PAGES as readonly string[]).includes(values.back ?? '') ? (values.back as PageName) : null;
}

const pageUrl = (page: PageName) => (page === 'index' ? ADMIN_AREA : adminAction(page));

/**
 * The admin area: the inbox of waiting work (home), its pages (agents, withdrawals, reviews,
 * short links, programs, settings, e-mail log) and an agent's page. Their forms belong to the
 * capabilities that do the work; a refused form shows the page it came from again (422), and
 * success goes back to it with a notice (`done`).
 */
export function adminPages(deps: AdminPagesDeps) {
  const { pages, people } = deps;
  const notice = (req: Request) => {
    const key = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    return key ? pages.helpers(req).t(key) : null;
  };

  /** Renders one of the area's pages with what every one of them gets, and sends it. */
  async function show(req: Request, res: Response, page: PageName, data: Record<string, unknown>, state: AdminState = {}): Promise<void> {
    const h = pages.helpers(req);
    const title = h.t(`adminarea.page.${page}`);
    const html = await pages.render(`admin/${page === 'index' ? 'index' : kebab(page)}`, {
      h,
      notice: notice(req),
      errors: state.errors ?? {},
      values: state.values ?? {},
      action: adminAction,
      base: ADMIN_AREA,
      pickerScript: PICKER_SCRIPT_PATH,
      ...data,
    });
    const crumbs = page === 'index' ? adminCrumbs(h.t) : adminCrumbs(h.t, { label: title, href: pageUrl(page) });
    pages.send(req, res, { area: 'admin', title, breadcrumb: crumbs, html, status: state.status });
  }

  const views: Record<PageName, (req: Request, res: Response, state?: AdminState) => Promise<void>> = {
    async index(req, res, state) {
      // Addresses of the old one-page home keep working: the host's client page links to
      // "make this client an agent" with client_id, and the ledger check was verify=1.
      const client = idField.safeParse(req.query.client_id);
      if (!state && client.success) return res.redirect(302, `${adminAction('agents')}&client_id=${client.data}`);
      if (!state && req.query.verify === '1') return res.redirect(302, `${adminAction('programs')}&verify=1`);
      const counts = await deps.inbox.counts();
      const links = {
        withdrawals: adminAction(withdrawalsAction(deps.hasAction)),
        applications: adminAction('applications'),
        shortLinks: adminAction('shortLinks'),
        selfReferrals: `${adminAction('reviews')}#review-queue`,
        referralMoves: `${adminAction('reviews')}#referral-moves`,
        failedEmails: `${adminAction('emailLog')}&status=failed`,
      };
      await show(req, res, 'index', { counts, links, applicationsWaiting: counts.applications }, state);
    },

    async agents(req, res, state) {
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
      const clients = await people.clients(agents.map((a) => a.clientId));
      const rows = agents.map((agent) => ({
        agent,
        program: programs.find((p) => p.id === agent.programId) ?? null,
        client: clients.get(agent.clientId) ?? null,
        balances: balances.get(agent.id) ?? null,
      }));
      const prefill = typeof req.query.client_id === 'string' ? idField.safeParse(req.query.client_id) : null;
      const prefillClient = prefill?.success ? await deps.host.getClient(prefill.data) : null;
      await show(req, res, 'agents', { programs, rows, unassigned: await deps.unassignedClients(), prefillClient, fullName }, state);
    },

    async withdrawals(req, res, state) {
      const requested = await deps.withdrawals.listRequested();
      const named = await people.agents(requested.map((w) => w.agentId));
      await show(req, res, 'withdrawals', { requested, named, fullName }, state);
    },

    async reviews(req, res, state) {
      const reviews = await deps.reviews.listOpen();
      const agentIds: number[] = [];
      const clientIds: number[] = [];
      for (const r of reviews) {
        clientIds.push(r.clientId);
        if (r.kind === 'referral_move') agentIds.push(r.fromAgentId, r.toAgentId);
        else agentIds.push(r.agentId);
      }
      const [namedAgents, namedClients] = await Promise.all([people.agents(agentIds), people.clients(clientIds)]);
      const agentName = (id: number) => {
        const a = namedAgents.get(id);
        return a?.client ? fullName(a.client) : pages.helpers(req).t('adminarea.person.agent_id', { id });
      };
      const clientName = (id: number) => {
        const c = namedClients.get(id);
        return c ? fullName(c) : pages.helpers(req).t('adminarea.person.client_id', { id });
      };
      await show(req, res, 'reviews', { reviews, agentName, clientName }, state);
    },

    async shortLinks(req, res, state) {
      const slugs = await deps.inbox.pendingSlugs(200);
      const clients = await people.clients(slugs.map((s) => s.clientId));
      await show(req, res, 'shortLinks', { slugs, clients, fullName }, state);
    },

    async programs(req, res, state) {
      await show(req, res, 'programs', { programs: await deps.programs.list(), verify: req.query.verify === '1' ? await deps.verifyLedger() : null }, state);
    },

    async settings(req, res, state) {
      await show(req, res, 'settings', { linkHosts: [...deps.linkHosts.current()].join(', '), slugApproval: await deps.slugs.approvalMode(), selfReferral: await deps.selfReferral.mode() }, state);
    },

    async emailLog(req, res, state) {
      const onlyFailed = req.query.status === 'failed';
      const emails = await deps.inbox.emails(onlyFailed, 200);
      const [namedAgents, namedClients] = await Promise.all([people.agents(emails.map((e) => e.agentId)), people.clients(emails.map((e) => e.clientId))]);
      await show(req, res, 'emailLog', { emails, onlyFailed, namedAgents, namedClients, fullName }, state);
    },
  };

  async function agentPage(req: Request, res: Response, agentId: number, state: AdminState = {}): Promise<void> {
    const agent = await deps.agents.get(agentId);
    if (!agent) throw new RuleError('errors.agent_missing', undefined, { agent: agentId });
    const program = await deps.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agentId} is missing`);
    const h = pages.helpers(req);
    const referrals = await deps.assignments.listForAgent(agent.id);
    const client = await deps.host.getClient(agent.clientId);
    const html = await pages.render('admin/agent', {
      h,
      agent,
      program,
      client,
      balances: await deps.ledger.balances(agent.id, program.currency),
      commissions: await deps.commissions.listForAgent(agent.id),
      referrals,
      referralClients: await people.clients(referrals.map((r) => r.clientId)),
      fullName,
      clicks: await deps.reports.recentClicks(agent.id),
      sources: await deps.reports.sources(agent.id),
      certifications: CERTIFICATIONS,
      tiers: await deps.tierView.forAgent(agent, program, h),
      notice: notice(req),
      errors: state.errors ?? {},
      values: state.values ?? {},
      // A fresh key per form: submitting the manual commission twice adds it once.
      manualKey: crypto.randomUUID(),
      action: adminAction,
      base: ADMIN_AREA,
      pickerScript: PICKER_SCRIPT_PATH,
    });
    const name = client ? fullName(client) : h.t('adminarea.person.agent_id', { id: agent.id });
    const title = h.t('adminarea.page.agent', { name });
    pages.send(req, res, {
      area: 'admin',
      title,
      breadcrumb: adminCrumbs(h.t, { label: h.t('adminarea.page.agents'), href: adminAction('agents') }, { label: name }),
      html,
      status: state.status,
    });
  }

  /** Shows the page a refused form came from again: the page it names, the agent's, or the form's own. */
  function redisplay(req: Request, res: Response, refused: RefusedForm): Promise<void> {
    // The forms' own checks give lang keys; t shows them in the admin's language (any text already written out stays as it is).
    const t = pages.helpers(req).t;
    const errors = Object.fromEntries(Object.entries(refused.errors).map(([field, message]) => [field, t(message)]));
    const state = { errors: { [refused.form]: errors }, values: { [refused.form]: refused.values }, status: refused.status };
    const back = formBack(refused.values);
    if (back) return views[back](req, res, state);
    const agentId = formAgentId(refused.values);
    return agentId ? agentPage(req, res, agentId, state) : views[FORM_PAGE[refused.form] ?? 'index'](req, res, state);
  }

  const form: AdminPageForm = (name, schema, act) =>
    adminForm(deps.logger, name, schema, redisplay, async (admin, input, req) => {
      // The admin as the form reads them: their language as this request resolved it (own, else the module's).
      const done = await act({ ...admin, language: pages.languageOf(req) }, input);
      const values = formValues(req.body);
      const back = formBack(values);
      const agentId = formAgentId(values);
      const to = back ? pageUrl(back) : agentId ? `${adminAction('agent')}&id=${agentId}` : pageUrl(FORM_PAGE[name] ?? 'index');
      return `${to}&done=${done}`;
    });

  const page = (name: PageName) => ({ method: 'GET' as const, run: (_admin: HostAdmin, req: Request, res: Response) => views[name](req, res) });
  const actions: Actions<HostAdmin> = {
    index: page('index'),
    agents: page('agents'),
    withdrawals: page('withdrawals'),
    reviews: page('reviews'),
    shortLinks: page('shortLinks'),
    programs: page('programs'),
    settings: page('settings'),
    emailLog: page('emailLog'),

    agent: {
      method: 'GET',
      async run(_admin, req, res) {
        const agentId = idField.safeParse(req.query.id);
        if (!agentId.success) throw new RuleError('reports.error.no_agent');
        await agentPage(req, res, agentId.data);
      },
    },
  };

  return { actions, form };
}

/** shortLinks → short-links: the template's file name. */
function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
