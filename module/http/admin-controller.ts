import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Core } from '../agenttools';
import type { HostAdmin } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { CERTIFICATIONS } from '../programs/definition';
import { readProgramText } from '../programs/program-service';
import { percentText } from '../config';
import { verifyLedger } from '../ledger/verify';
import { adminAssign, unassignedClients } from '../service-managers/admin-assignment';
import { recentClicks } from '../reports/recent-clicks';
import { sourceStats } from '../reports/source-stats';
import { linkHostsText } from '../tracking/deep-link';
import { SLUG_APPROVAL_SETTING, SLUG_APPROVALS } from '../links/vanity-slug';
import { SELF_REFERRAL_MODES, SELF_REFERRAL_SETTING, selfReferralMode } from '../attribution/self-referral';
import type { Action } from './router';
import { domainAdminActions } from '../attribution/domain-controller';
import { referralAdminActions } from './referral-admin-controller';
import { creativeAdminActions } from '../creatives/creatives-controller';
import { adminForm, type RefusedForm } from './admin-form';
import { formValues, idField as id, optionalField as optional, textField as text, type FieldErrors } from './forms';
import { render, viewHelpers } from './render';
import { ADMIN_AREA, adminAction } from './paths';

interface AdminState {
  errors?: Record<string, FieldErrors>;
  values?: Record<string, Record<string, string>>;
  status?: number;
}

const NOTICES: Record<string, string> = {
  activated: 'The client is now an agent.',
  terms: 'The agent\'s terms were saved.',
  targets: 'The month\'s targets were recorded.',
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

const notice = (req: Request) => (typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null);

async function showIndex(core: Core, req: Request, res: Response, state: AdminState = {}): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const programs = await core.programs.list();
  const rows = [];
  const agents = await core.agents.list();
  // One balances query per program currency, not one per agent.
  const balances = new Map<number, Awaited<ReturnType<typeof core.ledger.balances>>>();
  for (const p of programs) {
    for (const [id, b] of await core.ledger.balancesOf(agents.filter((a) => a.programId === p.id).map((a) => a.id), p.currency)) balances.set(id, b);
  }
  for (const agent of agents) {
    const program = programs.find((p) => p.id === agent.programId) ?? null;
    // The host contract reads one client at a time; a batch read is for a later contract version.
    const client = await core.host.getClient(agent.clientId);
    rows.push({ agent, program, client, balances: balances.get(agent.id) ?? null });
  }
  const html = await render('admin/index', {
    h,
    programs,
    rows,
    unassigned: await unassignedClients(core),
    requested: await core.withdrawals.listRequested(),
    verify: req.query.verify === '1' ? await verifyLedger(core.db) : null,
    notice: notice(req),
    errors: state.errors ?? {},
    values: state.values ?? {},
    prefillClient: typeof req.query.client_id === 'string' ? req.query.client_id : '',
    linkHosts: [...core.linkHosts.current()].join(', '),
    reviews: await core.reviews.listOpen(),
    slugApproval: await core.slugs.approvalMode(),
    selfReferral: selfReferralMode.parse(await core.settings.get(SELF_REFERRAL_SETTING)),
    action: adminAction,
    base: ADMIN_AREA,
  });
  core.host.http.sendPage(req, res, { area: 'admin', title: 'Agent Tools', breadcrumb: [{ label: 'Addons' }, { label: 'Agent Tools', href: ADMIN_AREA }], html, status: state.status });
}

async function showAgent(core: Core, req: Request, res: Response, agentId: number, state: AdminState = {}): Promise<void> {
  const agent = await core.agents.get(agentId);
  if (!agent) throw new RuleError(`agent ${agentId} does not exist`);
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const program = (await core.programs.get(agent.programId))!;
  const html = await render('admin/agent', {
    h,
    agent,
    program,
    client: await core.host.getClient(agent.clientId),
    balances: await core.ledger.balances(agent.id, program.currency),
    commissions: await core.commissions.listForAgent(agent.id),
    referrals: await core.attribution.listForAgent(agent.id),
    clicks: await recentClicks(core.db, agent.id),
    sources: await sourceStats(core.db, agent.id),
    certifications: CERTIFICATIONS,
    notice: notice(req),
    errors: state.errors ?? {},
    values: state.values ?? {},
    // A fresh key per form: submitting the manual commission twice adds it once.
    manualKey: crypto.randomUUID(),
    action: adminAction,
    base: ADMIN_AREA,
  });
  core.host.http.sendPage(req, res, {
    area: 'admin',
    title: `Agent #${agent.id}`,
    breadcrumb: [{ label: 'Addons' }, { label: 'Agent Tools', href: ADMIN_AREA }, { label: `Agent #${agent.id}` }],
    html,
    status: state.status,
  });
}


const forms = {
  activate: z.object({ client_id: id, program_id: optional(id) }),
  terms: z.object({
    agent_id: id,
    tier: optional(z.string()),
    rate: optional(percentText),
    certification: optional(z.enum(CERTIFICATIONS, { message: 'basic, intermediate or advanced' })),
  }),
  targets: z.object({ agent_id: id, month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-03'), met: z.enum(['yes', 'no']) }),
  block: z.object({ agent_id: id, reason: text(255) }),
  reactivate: z.object({ agent_id: id }),
  manual: z.object({ agent_id: id, amount: text(20), reason: text(255), key: z.string().uuid('reload the page'), client_id: optional(id) }),
  performer: z.object({ agent_id: id, invoice_line_id: id }),
  assign: z.object({ agent_id: id, client_id: id, reason: text(255) }),
  unassign: z.object({ agent_id: id, client_id: id, reason: text(255) }),
  paid: z.object({ withdrawal_id: id }),
  // to_agent, not agent_id: this form lives on the index page, and agent_id sends answers to an agent's page.
  assignNew: z.object({ client_id: id, to_agent: id, reason: text(255), service_manager: z.enum(['yes']).optional(), email: z.enum(['yes']).optional() }),
  program: z.object({ definition: text(200_000) }),
  linkHosts: z.object({ link_hosts: linkHostsText }),
  slug: z.object({ agent_id: id }),
  signUpSettings: z.object({
    slug_approval: z.enum(SLUG_APPROVALS, { message: 'admin or auto' }),
    self_referral: z.enum(SELF_REFERRAL_MODES, { message: 'reject or flag' }),
  }),
  reviewKeep: z.object({ review_id: id }),
  reviewReject: z.object({ review_id: id, reason: text(255) }),
};

/** An agent's id in a form (the page it came from), or null for the index page's forms. */
function formAgentId(values: Record<string, string>): number | null {
  const agentId = Number(values.agent_id);
  return Number.isSafeInteger(agentId) && agentId > 0 ? agentId : null;
}

/** Shows the page a refused form came from again: the agent's, or the index. */
function redisplay(core: Core, req: Request, res: Response, refused: RefusedForm): Promise<void> {
  const state = { errors: { [refused.form]: refused.errors }, values: { [refused.form]: refused.values }, status: refused.status };
  const agentId = formAgentId(refused.values);
  return agentId ? showAgent(core, req, res, agentId, state) : showIndex(core, req, res, state);
}

/** A form of the index or an agent's page; success goes back to that page with a notice (`done`). */
function formAction<K extends keyof typeof forms>(
  form: K,
  act: (core: Core, admin: HostAdmin, input: z.output<(typeof forms)[K]>) => Promise<string>,
): Action<HostAdmin> {
  return adminForm(form, forms[form], redisplay, async (core, admin, input, req) => {
    const done = await act(core, admin, input as z.output<(typeof forms)[K]>);
    const agentId = formAgentId(formValues(req.body));
    return `${agentId ? `${adminAction('agent')}&id=${agentId}` : ADMIN_AREA}&done=${done}`;
  });
}

export const adminActions: Record<string, Action<HostAdmin>> = {
  ...domainAdminActions,
  ...referralAdminActions,
  ...creativeAdminActions,
  index: { method: 'GET', run: (core, _admin, req, res) => showIndex(core, req, res) },

  agent: {
    method: 'GET',
    async run(core, _admin, req, res) {
      const agentId = id.safeParse(req.query.id);
      if (!agentId.success) throw new RuleError('no such agent');
      await showAgent(core, req, res, agentId.data);
    },
  },

  activateAgent: formAction('activate', async (core, _admin, v) => {
    const programId = (v.program_id as number | null) ?? (await core.programs.bySlug('default'))?.id;
    if (!programId) throw new RuleError('choose a program', 'program_id');
    await core.agents.activateForClient(v.client_id, programId);
    return 'activated';
  }),

  setAgentTerms: formAction('terms', async (core, _admin, v) => {
    await core.agents.setTerms(v.agent_id, { tier: v.tier as string | null, rateBp: v.rate as number | null, certification: v.certification as (typeof CERTIFICATIONS)[number] | null });
    return 'terms';
  }),

  setTargets: formAction('targets', async (core, _admin, v) => {
    await core.agents.setTargetsMet(v.agent_id, v.month, v.met === 'yes');
    return 'targets';
  }),

  blockAgent: formAction('block', async (core, admin, v) => {
    await core.forfeiture.block(v.agent_id, v.reason, admin.username);
    return 'blocked';
  }),

  reactivateAgent: formAction('reactivate', async (core, _admin, v) => {
    await core.agents.reactivate(v.agent_id);
    return 'reactivated';
  }),

  manualCommission: formAction('manual', async (core, _admin, v) => {
    await core.commissions.addManual(v.agent_id, v.amount, v.reason, v.key, (v.client_id as number | null) ?? 0);
    return 'manual';
  }),

  recordPerformer: formAction('performer', async (core, _admin, v) => {
    await core.agents.recordPerformer(v.invoice_line_id, v.agent_id);
    return 'performer';
  }),

  assignClient: formAction('assign', async (core, admin, v) => {
    await core.attribution.assign(v.client_id, v.agent_id, admin.username, v.reason);
    return 'assigned';
  }),

  unassignClient: formAction('unassign', async (core, admin, v) => {
    await core.serviceManagers.unlink(v.client_id, v.agent_id, admin.username, v.reason);
    return 'unassigned';
  }),

  assignUnassigned: formAction('assignNew', async (core, admin, v) => {
    await adminAssign(core, { clientId: v.client_id, agentId: v.to_agent, serviceManager: v.service_manager === 'yes', email: v.email === 'yes', reason: v.reason }, admin.username);
    return 'assigned';
  }),

  markPaid: formAction('paid', async (core, admin, v) => {
    await core.withdrawals.markPaid(v.withdrawal_id, admin.id);
    return 'paid';
  }),

  setLinkHosts: formAction('linkHosts', async (core, _admin, v) => {
    await core.linkHosts.save(v.link_hosts.join(','));
    return 'linkHosts';
  }),

  signInAudit: {
    method: 'GET',
    async run(core, _admin, req, res) {
      const filter = id.safeParse(req.query.agent_id);
      const h = viewHelpers(core.language, core.host.http.csrfToken(req));
      const entries = await core.signIns.auditFor(filter.success ? { agentId: filter.data } : {}, 200);
      const html = await render('admin/sign-in-audit', { h, entries, agentId: filter.success ? filter.data : null });
      core.host.http.sendPage(req, res, { area: 'admin', title: 'Sign in as client: audit log', breadcrumb: [{ label: 'Agent Tools', href: ADMIN_AREA }, { label: 'Audit log' }], html });
    },
  },

  approveSlug: formAction('slug', async (core, _admin, v) => {
    await core.slugs.approve(v.agent_id);
    return 'slugApproved';
  }),

  rejectSlug: formAction('slug', async (core, _admin, v) => {
    await core.slugs.reject(v.agent_id);
    return 'slugRejected';
  }),

  setSignUpSettings: formAction('signUpSettings', async (core, _admin, v) => {
    await core.settings.set(SLUG_APPROVAL_SETTING, v.slug_approval);
    await core.settings.set(SELF_REFERRAL_SETTING, v.self_referral);
    return 'signUpSettings';
  }),

  keepReferral: formAction('reviewKeep', async (core, admin, v) => {
    await core.reviews.keep(v.review_id, admin.username);
    return 'reviewKept';
  }),

  rejectReferral: formAction('reviewReject', async (core, admin, v) => {
    await core.reviews.reject(v.review_id, admin.username, v.reason);
    return 'reviewRejected';
  }),

  loadProgram: formAction('program', async (core, _admin, v) => {
    await core.programs.load(readProgramText(v.definition));
    core.linkCache.invalidate();
    return 'program';
  }),
};
