import type { Request, Response } from 'express';
import { z } from 'zod';
import type { HostApi, HostUser } from '../contract/host-api';
import type { Agent } from '../agents/agent-service';
import type { ReportService } from '../reports/report-service';
import type { Actions } from '../http/action';
import { submitClientForm, type RefusedForm } from '../http/form-action';
import { formValues } from '../http/forms';
import type { Pages } from '../http/pages';
import { clientAction } from '../http/paths';
import { QUOTE_FORM_LINES, parseQuoteForm } from './quote-form';
import type { QuoteService } from './quote-service';

const PAGE = clientAction('quotes');
const quoteId = z.coerce.number().int().positive();

export interface QuoteControllerDeps {
  pages: Pages;
  host: Pick<HostApi, 'listProducts'>;
  quotes: Pick<QuoteService, 'activeAgent' | 'listForAgent' | 'create' | 'mine' | 'send'>;
  reports: Pick<ReportService, 'managedClients'>;
}

/**
 * The agent's quotes page, from the agent panel. None of these is open to an agent signed in as a
 * client (no asClient): quotes are made from the agent's own account, for the clients it manages.
 */
export function quoteActions({ pages, host, quotes, reports }: QuoteControllerDeps): Actions<HostUser> {
  async function showQuotes(agent: Agent, req: Request, res: Response, refused?: RefusedForm): Promise<void> {
    const h = pages.helpers(req);
    const [list, clients, products] = await Promise.all([quotes.listForAgent(agent), reports.managedClients(agent.id), host.listProducts()]);
    const done =
      typeof req.query.done === 'string' && ['created', 'sent'].includes(req.query.done) ? h.t(`quotes.${req.query.done}`, { id: typeof req.query.id === 'string' ? req.query.id : '' }) : null;
    const html = await pages.render('client/quotes', {
      h,
      quotes: list,
      clients,
      products,
      lineCount: QUOTE_FORM_LINES,
      createAction: clientAction('createQuote'),
      sendAction: clientAction('sendQuote'),
      notice: done,
      errors: refused?.errors ?? {},
      values: refused?.values ?? {},
    });
    pages.clientPage(req, res, { titleKey: 'quotes.title', href: PAGE, html, status: refused?.status });
  }

  return {
    quotes: {
      method: 'GET',
      async run(user, req, res) {
        await showQuotes(await quotes.activeAgent(user.client_id), req, res);
      },
    },

    createQuote: {
      method: 'POST',
      async run(user, req, res) {
        const agent = await quotes.activeAgent(user.client_id);
        await submitClientForm(
          req,
          res,
          'createQuote',
          async (values) => `${PAGE}&done=created&id=${(await quotes.create(agent, parseQuoteForm(values))).id}`,
          (rq, rs, refused) => showQuotes(agent, rq, rs, refused),
        );
      },
    },

    sendQuote: {
      method: 'POST',
      async run(user, req, res) {
        const agent = await quotes.activeAgent(user.client_id);
        const id = quoteId.safeParse(formValues(req.body).quote_id);
        const quote = id.success ? await quotes.mine(agent, id.data) : null;
        if (!quote) {
          const h = pages.helpers(req);
          return pages.alert(req, res, { area: 'client', title: h.t('quotes.title'), breadcrumb: [], status: 404 }, h.t('quotes.not_found'));
        }
        await quotes.send(agent, quote, user.name);
        res.redirect(303, `${PAGE}&done=sent&id=${quote.id}`);
      },
    },
  };
}
