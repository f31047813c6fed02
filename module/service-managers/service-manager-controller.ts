import type { Request, Response } from 'express';
import { parse as parseCookies } from 'cookie';
import type { HostApi, HostUser } from '../contract/host-api';
import type { Logger } from '../core/logger';
import type { AgentService } from '../agents/agent-service';
import type { SignInService } from '../sign-in/sign-in-service';
import type { Actions } from '../http/action';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import { formValues } from '../http/forms';
import type { Pages } from '../http/pages';
import { clientAction } from '../http/paths';
import { permissionLabels } from './permissions';
import type { ServiceManagerService } from './service-manager-service';
import type { OfferRateLimit } from './offer-rate-limit';

const DETAILS = clientAction('serviceManagerDetails');

export interface ServiceManagerControllerDeps {
  pages: Pages;
  logger: Logger;
  host: Pick<HostApi, 'getClient'>;
  agents: Pick<AgentService, 'get'>;
  serviceManagers: Pick<ServiceManagerService, 'offer' | 'forClient' | 'grant' | 'revoke' | 'planFor'>;
  signIns: Pick<SignInService, 'auditFor'>;
  offerRateLimit: Pick<OfferRateLimit, 'allow'>;
}

/**
 * The client's side of a service manager: the WHMCS-compatible link
 * (index.php?m=agenttools&t=serviceManager&affid=<agent>), the confirmation, the details page
 * and the revoke. Only the signed-in client's own grant is ever read or changed.
 */
export function serviceManagerActions({ pages, logger, host, agents, serviceManagers, signIns, offerRateLimit }: ServiceManagerControllerDeps): Actions<HostUser> {
  async function page(req: Request, res: Response, template: string, data: Record<string, unknown>, status?: number): Promise<void> {
    const h = pages.helpers(req);
    const html = await pages.render(template, { h, labels: permissionLabels(h.t), ...data });
    pages.send(req, res, { area: 'client', title: h.t('sm.title'), breadcrumb: [{ label: h.t('sm.title'), href: DETAILS }], html, status });
  }

  async function showOffer(user: HostUser, req: Request, res: Response, rawAgentId: unknown, refused?: RefusedForm): Promise<void> {
    const offer = await serviceManagers.offer(rawAgentId);
    if (!offer) {
      logger.warn('service-manager link with an unknown or inactive agent', { affid: String(rawAgentId).slice(0, 20) });
      const h = pages.helpers(req);
      return pages.alert(req, res, { area: 'client', title: h.t('sm.title'), breadcrumb: [], status: 404 }, h.t('sm.invalid'));
    }
    const current = await serviceManagers.forClient(user.client_id);
    const currentAgent = current && current.agentId !== offer.agent.id ? await agents.get(current.agentId) : null;
    const currentClient = currentAgent ? await host.getClient(currentAgent.clientId) : null;
    // Who earns on the client if they confirm: the page says it before they do.
    const { plan, referredByAnother } = await serviceManagers.planFor(user.client_id, offer.agent);
    const credit = plan === 'keep' ? (referredByAnother ? 'keep_referred' : 'keep_none') : plan;
    await page(
      req,
      res,
      'client/service-manager-offer',
      {
        offer,
        current,
        currentName: currentClient ? `${currentClient.firstname} ${currentClient.lastname}` : null,
        credit,
        confirmAction: clientAction('serviceManagerConfirm'),
        errors: refused?.errors ?? {},
      },
      refused?.status,
    );
  }

  return {
    serviceManager: {
      method: 'GET',
      run(user, req, res) {
        const affid = req.query.affid;
        // Only well-formed ids count (the others are 404 whatever they are); see OfferRateLimit.
        if (typeof affid === 'string' && /^[1-9]\d{0,9}$/.test(affid) && !offerRateLimit.allow(user.client_id, affid)) {
          logger.warn('service-manager offers: rate limit reached', { clientId: user.client_id });
          const h = pages.helpers(req);
          return Promise.resolve(pages.alert(req, res, { area: 'client', title: h.t('sm.title'), breadcrumb: [], status: 429 }, h.t('sm.too_many')));
        }
        return showOffer(user, req, res, affid);
      },
    },

    serviceManagerConfirm: {
      method: 'POST',
      run: (user, req, res) =>
        submitClientForm(
          req,
          res,
          'serviceManagerConfirm',
          async (values) => {
            // The confirming browser's cookies: the agent's own device makes this a self-referral.
            const cookies = parseCookies(req.headers.cookie ?? '');
            const { grant } = await serviceManagers.grant(user.client_id, Number(values.affid), `client:${user.email}`, values.replace === 'yes', cookies);
            logger.info('service manager granted', { clientId: user.client_id, agentId: grant.agentId });
            return `${DETAILS}&done=granted`;
          },
          (rq, rs, refused) => showOffer(user, rq, rs, refused.values.affid, refused),
        ),
    },

    serviceManagerDetails: {
      method: 'GET',
      async run(user, req, res) {
        const h = pages.helpers(req);
        const grant = await serviceManagers.forClient(user.client_id);
        const agent = grant ? await agents.get(grant.agentId) : null;
        const contact = agent ? await host.getClient(agent.clientId) : null;
        const done = req.query.done;
        const notice = done === 'granted' && contact ? h.t('sm.granted', { name: `${contact.firstname} ${contact.lastname}` }) : done === 'revoked' ? h.t('sm.revoked') : null;
        const audit = await signIns.auditFor({ clientId: user.client_id }, 50);
        await page(req, res, 'client/service-manager-details', { grant, contact, notice, audit, revokeAction: clientAction('serviceManagerRevoke') });
      },
    },

    serviceManagerRevoke: {
      method: 'POST',
      async run(user, req, res) {
        const reason = formValues(req.body).reason?.trim().slice(0, 200) || 'revoked by the client';
        await serviceManagers.revoke(user.client_id, `client:${user.email}`, reason);
        res.redirect(303, `${DETAILS}&done=revoked`);
      },
    },
  };
}
