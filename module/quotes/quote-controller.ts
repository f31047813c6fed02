import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Core } from '../agenttools';
import type { HostUser } from '../contract/host-api';
import { RuleError } from '../core/errors';
import type { Agent } from '../agents/agent-service';
import type { Action } from '../http/router';
import { formValues, type FieldErrors } from '../http/forms';
import { render, viewHelpers } from '../http/render';
import { CLIENT_AREA, clientAction } from '../http/paths';
import { managedClients } from '../reports/managed-clients';
import { QUOTE_FORM_LINES, parseQuoteForm } from './quote-form';

const PAGE = clientAction('quotes');
const quoteId = z.coerce.number().int().positive();

interface PageState {
  errors?: FieldErrors;
  values?: Record<string, string>;
  status?: number;
}

async function showQuotes(core: Core, agent: Agent, req: Request, res: Response, state: PageState = {}): Promise<void> {
  const h = viewHelpers(core.language, core.host.http.csrfToken(req));
  const [quotes, clients, products] = await Promise.all([core.quotes.listForAgent(agent), managedClients(core.db, core.host, core.serviceManagers, agent.id), core.host.listProducts()]);
  const done = typeof req.query.done === 'string' && ['created', 'sent'].includes(req.query.done) ? h.t(`quotes.${req.query.done}`, { id: String(req.query.id ?? '') }) : null;
  const html = await render('client/quotes', {
    h,
    quotes,
    clients,
    products,
    lineCount: QUOTE_FORM_LINES,
    createAction: clientAction('createQuote'),
    sendAction: clientAction('sendQuote'),
    notice: done,
    errors: state.errors ?? {},
    values: state.values ?? {},
  });
  core.host.http.sendPage(req, res, { area: 'client', title: h.t('quotes.title'), breadcrumb: [{ label: h.t('affiliate.title'), href: CLIENT_AREA }, { label: h.t('quotes.title'), href: PAGE }], html, status: state.status });
}

function notFound(core: Core, req: Request, res: Response): void {
  const h = viewHelpers(core.language, '');
  core.host.http.sendPage(req, res, { area: 'client', title: h.t('quotes.title'), breadcrumb: [], html: `<p class="alert">${h.t('quotes.not_found')}</p>`, status: 404 });
}

/**
 * The agent's quotes page, from the agent panel. None of these is open to an agent signed in as a
 * client (no asClient): quotes are made from the agent's own account, for the clients it manages.
 */
export const quoteActions: Record<string, Action<HostUser>> = {
  quotes: {
    method: 'GET',
    async run(core, user, req, res) {
      await showQuotes(core, await core.quotes.activeAgent(user.client_id), req, res);
    },
  },

  createQuote: {
    method: 'POST',
    async run(core, user, req, res) {
      const agent = await core.quotes.activeAgent(user.client_id);
      const values = formValues(req.body);
      try {
        const quote = await core.quotes.create(agent, parseQuoteForm(values));
        res.redirect(303, `${PAGE}&done=created&id=${quote.id}`);
      } catch (e) {
        if (!(e instanceof RuleError) || !e.field) throw e;
        await showQuotes(core, agent, req, res, { errors: { [e.field]: e.message }, values, status: 422 });
      }
    },
  },

  sendQuote: {
    method: 'POST',
    async run(core, user, req, res) {
      const agent = await core.quotes.activeAgent(user.client_id);
      const id = quoteId.safeParse(formValues(req.body).quote_id);
      const quote = id.success ? await core.quotes.mine(agent, id.data) : null;
      if (!quote) return notFound(core, req, res);
      await core.quotes.send(agent, quote, user.name);
      res.redirect(303, `${PAGE}&done=sent&id=${quote.id}`);
    },
  },
};
