import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Core } from '../agenttools';
import type { HostAdmin, HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { Agent } from '../agents/agent-service';
import type { Action } from '../http/router';
import { adminForm } from '../http/admin-form';
import { formValues, idField, textField, type FieldErrors } from '../http/forms';
import { escapeHtml, render, viewHelpers } from '../http/render';
import { ADMIN_AREA, CLIENT_AREA, adminAction, clientAction } from '../http/paths';

const AGENT_PAGE = clientAction('domains');
const ADMIN_PAGE = adminAction('domains');
const registrationId = idField;

interface PageState {
  errors?: FieldErrors;
  values?: Record<string, string>;
  status?: number;
}

function page(core: Core, req: Request, res: Response, area: 'client' | 'admin', html: string, status?: number): void {
  const h = viewHelpers(core.language, '');
  const breadcrumb = area === 'client' ? [{ label: h.t('affiliate.title'), href: CLIENT_AREA }, { label: h.t('domains.title'), href: AGENT_PAGE }] : [{ label: 'Agent Tools', href: ADMIN_AREA }, { label: h.t('domains.title'), href: ADMIN_PAGE }];
  core.host.http.sendPage(req, res, { area, title: h.t('domains.title'), breadcrumb, html, status });
}

/**
 * The signed-in agent, when their program includes deal registration; otherwise the page answers
 * 403 and the action stops (null).
 */
async function dealAgent(core: Core, user: HostUser, req: Request, res: Response): Promise<Agent | null> {
  const agent = await core.agents.byClient(user.client_id);
  if (!agent) throw new RuleError('Your account is not an agent account.');
  if (agent.status !== 'active') throw new RuleError('Only an active agent can register domains.');
  if (await core.domains.allowedFor(agent)) return agent;
  const h = viewHelpers(core.language, '');
  page(core, req, res, 'client', `<p class="alert">${escapeHtml(h.t('domains.not_in_program'))}</p>`, 403);
  return null;
}

async function showAgentPage(core: Core, agent: Agent, req: Request, res: Response, state: PageState = {}): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const done = req.query.done === 'registered' || req.query.done === 'removed' ? h.t(`domains.${req.query.done}`) : null;
  const html = await render('client/domains', {
    h,
    registrations: await core.domains.listForAgent(agent.id),
    registerAction: clientAction('registerDomain'),
    removeAction: clientAction('removeDomain'),
    notice: done,
    errors: state.errors ?? {},
    values: state.values ?? {},
  });
  page(core, req, res, 'client', html, state.status);
}

/**
 * The agent's domain registrations, from the agent panel. None is open to an agent signed in as a
 * client (no asClient): registrations are the agent's own business. Every form names no agent,
 * only a registration, which must be the signed-in agent's.
 */
export const domainActions: Record<string, Action<HostUser>> = {
  domains: {
    method: 'GET',
    async run(core, user, req, res) {
      const agent = await dealAgent(core, user, req, res);
      if (!agent) return;
      await showAgentPage(core, agent, req, res);
    },
  },

  registerDomain: {
    method: 'POST',
    async run(core, user, req, res) {
      const agent = await dealAgent(core, user, req, res);
      if (!agent) return;
      const values = formValues(req.body);
      try {
        await core.domains.register(agent, values.domain ?? '', values.customer ?? '');
        res.redirect(303, `${AGENT_PAGE}&done=registered`);
      } catch (e) {
        if (!(e instanceof RuleError) || !e.field) throw e;
        await showAgentPage(core, agent, req, res, { errors: { [e.field]: e.message }, values, status: 422 });
      }
    },
  },

  removeDomain: {
    method: 'POST',
    async run(core, user, req, res) {
      const agent = await dealAgent(core, user, req, res);
      if (!agent) return;
      const id = registrationId.safeParse(formValues(req.body).registration_id);
      const removed = id.success ? await core.domains.removeOwn(agent, id.data) : null;
      if (!removed) return page(core, req, res, 'client', `<p class="alert">${escapeHtml(viewHelpers(core.language, '').t('domains.not_found'))}</p>`, 404);
      res.redirect(303, `${AGENT_PAGE}&done=removed`);
    },
  },
};

async function showAdminPage(core: Core, req: Request, res: Response, state: PageState = {}): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const registrations = await core.domains.listAll();
  // The agents in one query; their names one client at a time, as the host contract reads them.
  const agents = new Map((await core.agents.list()).map((a) => [a.id, a]));
  const agentNames = new Map<number, string>();
  for (const agentId of new Set(registrations.map((r) => r.agentId))) {
    const agent = agents.get(agentId);
    const client = agent ? await core.host.getClient(agent.clientId) : null;
    agentNames.set(agentId, client ? `${client.firstname} ${client.lastname}` : '');
  }
  const html = await render('admin/domains', {
    h,
    registrations,
    agentNames,
    agentPage: adminAction('agent'),
    removeAction: adminAction('removeDomain'),
    notice: req.query.done === 'removed' ? h.t('domains.admin_removed') : null,
    errors: state.errors ?? {},
    values: state.values ?? {},
  });
  page(core, req, res, 'admin', html, state.status);
}

const adminRemoval = z.object({
  registration_id: registrationId,
  reason: textField(255),
});

/** Every registration, for the admin, who may remove any with a reason (logged). */
export const domainAdminActions: Record<string, Action<HostAdmin>> = {
  domains: { method: 'GET', run: (core, _admin, req, res) => showAdminPage(core, req, res) },

  removeDomain: adminForm(
    'removeDomain',
    adminRemoval,
    (core, req, res, r) => showAdminPage(core, req, res, { errors: r.errors, values: r.values, status: r.status }),
    async (core, admin, v) => {
      await core.domains.removeByAdmin(v.registration_id, admin.username, v.reason);
      return `${ADMIN_PAGE}&done=removed`;
    },
  ),
};
