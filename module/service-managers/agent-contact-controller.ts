import type { Request, Response } from 'express';
import type { HostUser } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import type { Actions } from '../http/action';
import { formValues } from '../http/forms';
import type { Pages } from '../http/pages';
import { clientAction } from '../http/paths';
import type { AgentContactService } from './agent-contact-service';

const PAGE = clientAction('agentContact');

export interface AgentContactControllerDeps {
  pages: Pages;
  agents: Pick<AgentService, 'byClient'>;
  contacts: Pick<AgentContactService, 'get' | 'set'>;
}

/**
 * The agent's choice of what their service-manager offer page shows besides name and company.
 * Always the signed-in agent's own (found from the session, never from the form), and not open to
 * an agent signed in as a client (no asClient).
 */
export function agentContactActions({ pages, agents, contacts }: AgentContactControllerDeps): Actions<HostUser> {
  function page(req: Request, res: Response, html: string): void {
    pages.clientPage(req, res, { titleKey: 'sm.publish.title', href: PAGE, html });
  }

  return {
    agentContact: {
      method: 'GET',
      async run(user, req, res) {
        const h = pages.helpers(req);
        const agent = await agents.byClient(user.client_id);
        if (!agent) return page(req, res, await pages.render('client/not-agent', { h }));
        const published = await contacts.get(agent.id);
        const notice = req.query.done === 'saved' ? h.t('sm.publish.saved') : null;
        page(req, res, await pages.render('client/agent-contact', { h, published, notice, saveAction: clientAction('agentContactSave') }));
      },
    },

    agentContactSave: {
      method: 'POST',
      async run(user, req, res) {
        const agent = await agents.byClient(user.client_id);
        if (!agent) return page(req, res, await pages.render('client/not-agent', { h: pages.helpers(req) }));
        const values = formValues(req.body);
        await contacts.set(agent.id, { email: values.publish_email === 'yes', phone: values.publish_phone === 'yes' });
        res.redirect(303, `${PAGE}&done=saved`);
      },
    },
  };
}
