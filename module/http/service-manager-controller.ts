import type { Request, Response } from 'express';
import type { Core } from '../agenttools';
import type { HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import { PERMISSION_LABELS } from '../service-managers/permissions';
import type { Action } from './router';
import { formValues, type FieldErrors } from './forms';
import { render, viewHelpers } from './render';
import { clientAction } from './paths';

const DETAILS = clientAction('serviceManagerDetails');

async function page(core: Core, req: Request, res: Response, template: string, data: Record<string, unknown>, status?: number): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const html = await render(template, { h, labels: PERMISSION_LABELS, ...data });
  core.host.http.sendPage(req, res, { area: 'client', title: h.t('sm.title'), breadcrumb: [{ label: h.t('sm.title'), href: DETAILS }], html, status });
}

async function showOffer(core: Core, user: HostUser, req: Request, res: Response, rawAgentId: unknown, errors: FieldErrors = {}, status?: number): Promise<void> {
  const offer = await core.serviceManagers.offer(rawAgentId);
  if (!offer) {
    core.logger.warn('service-manager link with an unknown or inactive agent', { affid: String(rawAgentId).slice(0, 20) });
    const h = viewHelpers(core.language, '');
    return core.host.http.sendPage(req, res, { area: 'client', title: h.t('sm.title'), breadcrumb: [], html: `<p class="alert">${h.t('sm.invalid')}</p>`, status: 404 });
  }
  const current = await core.serviceManagers.forClient(user.client_id);
  const currentClient = current && current.agentId !== offer.agent.id ? await core.host.getClient((await core.agents.get(current.agentId))!.clientId) : null;
  await page(core, req, res, 'client/service-manager-offer', {
    offer,
    current,
    currentName: currentClient ? `${currentClient.firstname} ${currentClient.lastname}` : null,
    confirmAction: clientAction('serviceManagerConfirm'),
    errors,
  }, status);
}

/**
 * The client's side of a service manager: the WHMCS-compatible link
 * (index.php?m=agenttools&t=serviceManager&affid=<agent>), the confirmation, the details page
 * and the revoke. Only the signed-in client's own grant is ever read or changed.
 */
export const serviceManagerActions: Record<string, Action<HostUser>> = {
  serviceManager: {
    method: 'GET',
    run: (core, user, req, res) => showOffer(core, user, req, res, req.query.affid),
  },

  serviceManagerConfirm: {
    method: 'POST',
    async run(core, user, req, res) {
      const values = formValues(req.body);
      try {
        const { grant } = await core.serviceManagers.grant(user.client_id, Number(values.affid), `client:${user.email}`, values.replace === 'yes');
        core.logger.info('service manager granted', { clientId: user.client_id, agentId: grant.agentId });
        res.redirect(303, `${DETAILS}&done=granted`);
      } catch (e) {
        if (e instanceof RuleError && e.field) return showOffer(core, user, req, res, values.affid, { [e.field]: e.message }, 422);
        throw e;
      }
    },
  },

  serviceManagerDetails: {
    method: 'GET',
    async run(core, user, req, res) {
      const h = viewHelpers(core.language, '');
      const grant = await core.serviceManagers.forClient(user.client_id);
      const agent = grant ? await core.agents.get(grant.agentId) : null;
      const contact = agent ? await core.host.getClient(agent.clientId) : null;
      const done = req.query.done;
      const notice = done === 'granted' && contact ? h.t('sm.granted', { name: `${contact.firstname} ${contact.lastname}` }) : done === 'revoked' ? h.t('sm.revoked') : null;
      const audit = await core.signIns.auditFor({ clientId: user.client_id }, 50);
      await page(core, req, res, 'client/service-manager-details', { grant, contact, notice, audit, revokeAction: clientAction('serviceManagerRevoke') });
    },
  },

  serviceManagerRevoke: {
    method: 'POST',
    async run(core, user, req, res) {
      const reason = formValues(req.body).reason?.trim().slice(0, 200) || 'revoked by the client';
      await core.serviceManagers.revoke(user.client_id, `client:${user.email}`, reason);
      res.redirect(303, `${DETAILS}&done=revoked`);
    },
  },
};
