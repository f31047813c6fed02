import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostAdmin, HostApi, HostUser } from '../contract/host-api';
import type { Logger } from '../core/logger';
import { RuleError } from '../core/errors';
import type { Agent, AgentService } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { adminForm, submitClientForm, type RefusedForm } from '../http/form-action';
import { formValues, idField, textField } from '../http/forms';
import type { Pages } from '../http/pages';
import { ADMIN_AREA, CLIENT_AREA, adminAction, clientAction } from '../http/paths';
import type { DomainService } from './domain-service';

const AGENT_PAGE = clientAction('domains');
const ADMIN_PAGE = adminAction('domains');
const registrationId = idField;

export interface DomainControllerDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'getClient'>;
  agents: Pick<AgentService, 'byClient' | 'list'>;
  domains: Pick<DomainService, 'allowedFor' | 'listForAgent' | 'register' | 'removeOwn' | 'listAll' | 'removeByAdmin'>;
}

/**
 * Deal registration by domain. The agent's registrations, from the agent panel: none is open to
 * an agent signed in as a client (no asClient), they are the agent's own business, and every form
 * names no agent, only a registration, which must be the signed-in agent's. The admin sees every
 * registration and may remove any with a reason (logged).
 */
export function domainActions({ pages, logger, host, agents, domains }: DomainControllerDeps): { client: Actions<HostUser>; admin: Actions<HostAdmin> } {
  function page(req: Request, res: Response, area: 'client' | 'admin', html: string, status?: number): void {
    const h = pages.helpers(req);
    const breadcrumb =
      area === 'client'
        ? [
            { label: h.t('affiliate.title'), href: CLIENT_AREA },
            { label: h.t('domains.title'), href: AGENT_PAGE },
          ]
        : [
            { label: h.t('adminarea.crumb.module'), href: ADMIN_AREA },
            { label: h.t('domains.title'), href: ADMIN_PAGE },
          ];
    pages.send(req, res, { area, title: h.t('domains.title'), breadcrumb, html, status });
  }

  const alert = (req: Request, res: Response, key: string, status: number) => {
    const h = pages.helpers(req);
    pages.alert(req, res, { area: 'client', title: h.t('domains.title'), breadcrumb: [], status }, h.t(key));
  };

  /** The signed-in agent, when their program includes deal registration; otherwise the page answers 403 and the action stops (null). */
  async function dealAgent(user: HostUser, req: Request, res: Response): Promise<Agent | null> {
    const agent = await agents.byClient(user.client_id);
    if (!agent) throw new RuleError('affiliate.not_agent_form');
    if (agent.status !== 'active') throw new RuleError('domains.not_active');
    if (await domains.allowedFor(agent)) return agent;
    alert(req, res, 'domains.not_in_program', 403);
    return null;
  }

  async function showAgentPage(agent: Agent, req: Request, res: Response, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const done = req.query.done === 'registered' || req.query.done === 'removed' ? h.t(`domains.${req.query.done}`) : null;
    const html = await pages.render('client/domains', {
      h,
      registrations: await domains.listForAgent(agent.id),
      registerAction: clientAction('registerDomain'),
      removeAction: clientAction('removeDomain'),
      notice: done,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    page(req, res, 'client', html, refused?.status);
  }

  async function showAdminPage(req: Request, res: Response, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const registrations = await domains.listAll();
    // The agents in one query; their names one client at a time, as the host contract reads them.
    const byId = new Map((await agents.list()).map((a) => [a.id, a]));
    const agentNames = new Map<number, string>();
    for (const agentId of new Set(registrations.map((r) => r.agentId))) {
      const agent = byId.get(agentId);
      const client = agent ? await host.getClient(agent.clientId) : null;
      agentNames.set(agentId, client ? `${client.firstname} ${client.lastname}` : '');
    }
    const html = await pages.render('admin/domains', {
      h,
      registrations,
      agentNames,
      agentPage: adminAction('agent'),
      removeAction: adminAction('removeDomain'),
      notice: req.query.done === 'removed' ? h.t('domains.admin_removed') : null,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    page(req, res, 'admin', html, refused?.status);
  }

  const client: Actions<HostUser> = {
    domains: {
      method: 'GET',
      async run(user, req, res) {
        const agent = await dealAgent(user, req, res);
        if (agent) await showAgentPage(agent, req, res);
      },
    },

    registerDomain: {
      method: 'POST',
      async run(user, req, res) {
        const agent = await dealAgent(user, req, res);
        if (!agent) return;
        await submitClientForm(
          req,
          res,
          'registerDomain',
          async (values) => {
            await domains.register(agent, values.domain ?? '', values.customer ?? '');
            return `${AGENT_PAGE}&done=registered`;
          },
          (rq, rs, refused) => showAgentPage(agent, rq, rs, refused),
        );
      },
    },

    removeDomain: {
      method: 'POST',
      async run(user, req, res) {
        const agent = await dealAgent(user, req, res);
        if (!agent) return;
        const id = registrationId.safeParse(formValues(req.body).registration_id);
        const removed = id.success ? await domains.removeOwn(agent, id.data) : null;
        if (!removed) return alert(req, res, 'domains.not_found', 404);
        res.redirect(303, `${AGENT_PAGE}&done=removed`);
      },
    },
  };

  const admin: Actions<HostAdmin> = {
    domains: { method: 'GET', run: (_admin, req, res) => showAdminPage(req, res) },

    removeDomain: adminForm(logger, 'removeDomain', z.object({ registration_id: registrationId, reason: textField(255) }), showAdminPage, async (a, v) => {
      await domains.removeByAdmin(v.registration_id, a.username, v.reason);
      return `${ADMIN_PAGE}&done=removed`;
    }),
  };

  return { client, admin };
}
