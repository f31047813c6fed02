import type { HostApi, HostUser } from '../contract/host-api';
import { agentForPage, notFound, type AgentPageDeps } from '../agents';
import type { Actions } from '../http/action';
import { clientAction } from '../http/paths';
import type { ProgramService } from '../programs/program-service';
import type { CommissionQueries } from './commission-queries';
import { COMMISSION_STATUSES } from './commission-row';
import { listAddress, pageNumber, readFilter } from './commission-filter';

const LIST = clientAction('commissions');
const ONE = clientAction('commission');

export interface CommissionsControllerDeps extends AgentPageDeps {
  commissions: Pick<CommissionQueries, 'page' | 'ownForAgent' | 'history' | 'programIdsOf'>;
  host: Pick<HostApi, 'getClient'>;
  programs: Pick<ProgramService, 'get'>;
  /** The sources the agent's links were clicked under, busiest first (the filter's choices). */
  sources: (agentId: number) => Promise<{ source: string }[]>;
}

/**
 * The agent's Commissions: every commission, filtered by period, status, program and source, 25 to
 * a page; and one commission, with its explanation and its ledger history. A commission is read
 * with the agent's id in the query, so another agent's id answers the same 404 as a missing one.
 */
export function commissionsActions(deps: CommissionsControllerDeps): Actions<HostUser> {
  const { commissions, pages, host, programs } = deps;

  /** The programs the agent has earned under (an agent may have moved between them). */
  async function programsOf(agentId: number): Promise<{ id: number; name: string }[]> {
    const ids = await commissions.programIdsOf(agentId);
    const out: { id: number; name: string }[] = [];
    for (const id of ids.sort((a, b) => a - b)) {
      const p = await programs.get(id);
      if (p) out.push({ id, name: p.name });
    }
    return out;
  }

  return {
    commissions: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const me = await agentForPage(deps, user, req, res, 'commissions.title');
        if (!me) return;
        const { agent, program } = me;
        const read = readFilter(req.query, program.timezone);
        const [list, choices, sources] = await Promise.all([commissions.page(agent.id, read.filter, pageNumber(req.query.page)), programsOf(agent.id), deps.sources(agent.id)]);
        const h = pages.helpers(req);
        const html = await pages.render('client/commissions', {
          h,
          program,
          list,
          filter: read.text,
          errors: Object.fromEntries(Object.entries(read.errors).map(([k, key]) => [k, h.t(key)])),
          statuses: COMMISSION_STATUSES,
          programs: choices,
          sources: sources.map((s) => s.source),
          listAction: LIST,
          pageLink: (page: number) => listAddress(LIST, read.text, page),
          detailLink: (id: number) => `${ONE}&id=${id}`,
        });
        pages.clientPage(req, res, { titleKey: 'commissions.title', href: LIST, html, status: Object.keys(read.errors).length ? 422 : undefined });
      },
    },

    commission: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        // Refused or not found, the page has no commission to number: the list's title.
        const me = await agentForPage(deps, user, req, res, 'commissions.title');
        if (!me) return;
        const id = typeof req.query.id === 'string' && /^[1-9]\d{0,15}$/.test(req.query.id) ? Number(req.query.id) : null;
        const c = id === null ? null : await commissions.ownForAgent(me.agent.id, id);
        if (!c) return notFound(pages, req, res, 'commissions.title', 'commissions.not_found');
        const [history, client, program] = await Promise.all([commissions.history(c), c.clientId > 0 ? host.getClient(c.clientId) : null, programs.get(c.programId)]);
        const h = pages.helpers(req);
        const html = await pages.render('client/commission', {
          h,
          c,
          history,
          zone: (program ?? me.program).timezone,
          programName: program?.name ?? '',
          // As the referrals list shows them: the first name and an initial, never the whole name or the e-mail.
          clientName: client ? `${client.firstname} ${client.lastname.slice(0, 1)}.` : null,
          referralLink: c.clientId > 0 ? `${clientAction('referral')}&id=${c.clientId}` : null,
          backLink: LIST,
        });
        pages.clientPage(req, res, { titleKey: 'commissions.one_title', titleVars: { id: c.id }, href: `${ONE}&id=${c.id}`, crumbs: [{ label: h.t('commissions.title'), href: LIST }], html });
      },
    },
  };
}
