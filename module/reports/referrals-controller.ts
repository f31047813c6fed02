import type { Request } from 'express';
import type { HostUser } from '../contract/host-api';
import { agentForPage, notFound, type AgentPageDeps } from '../agents';
import type { CommissionQueries } from '../commissions';
import type { Actions } from '../http/action';
import { clientAction } from '../http/paths';
import type { ReportService } from './report-service';
import { REFERRAL_SORTS, REFERRAL_STATES, type ReferralQuery, type ReferralSort, type ReferralState } from './agent-referrals';

const LIST = clientAction('referrals');
const ONE = clientAction('referral');

export interface ReferralsControllerDeps extends AgentPageDeps {
  reports: Pick<ReportService, 'referrals' | 'ownReferral'>;
  commissions: Pick<CommissionQueries, 'page'>;
}

function pageOf(raw: unknown): number {
  return typeof raw === 'string' && /^[1-9]\d{0,5}$/.test(raw) ? Number(raw) : 1;
}

/** The list's query from the page's address; a value that is none of the choices is the default. */
function readQuery(req: Request): ReferralQuery {
  const s = (name: string) => (typeof req.query[name] === 'string' ? req.query[name].trim().slice(0, 100) : '');
  const state = s('state');
  const sort = s('sort');
  return {
    search: s('q'),
    state: (REFERRAL_STATES as readonly string[]).includes(state) ? (state as ReferralState) : null,
    sort: (REFERRAL_SORTS as readonly string[]).includes(sort) ? (sort as ReferralSort) : 'newest',
    page: pageOf(req.query.page),
  };
}

function address(q: ReferralQuery, page: number): string {
  const parts: string[] = [];
  if (q.search) parts.push(`q=${encodeURIComponent(q.search)}`);
  if (q.state) parts.push(`state=${q.state}`);
  if (q.sort !== 'newest') parts.push(`sort=${q.sort}`);
  if (page > 1) parts.push(`page=${page}`);
  return parts.length ? `${LIST}&${parts.join('&')}` : LIST;
}

/**
 * The agent's Referrals: search by name or e-mail, sort by earnings, filter by state (closed
 * accounts included, as the Cloudpockets seed asks); and one referral, opening to its client's
 * commissions. Only the agent's own referral opens: another agent's client answers 404.
 */
export function referralsActions(deps: ReferralsControllerDeps): Actions<HostUser> {
  const { pages, reports } = deps;
  return {
    referrals: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const me = await agentForPage(deps, user, req, res, 'referrals.title');
        if (!me) return;
        const q = readQuery(req);
        const list = await reports.referrals(me.agent.id, me.program.currency, q);
        const h = pages.helpers(req);
        const html = await pages.render('client/referrals', {
          h,
          program: me.program,
          list,
          q,
          sorts: REFERRAL_SORTS,
          states: REFERRAL_STATES,
          listAction: LIST,
          pageLink: (page: number) => address(q, page),
          detailLink: (clientId: number) => `${ONE}&id=${clientId}`,
        });
        pages.clientPage(req, res, { titleKey: 'referrals.title', href: LIST, html });
      },
    },

    referral: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        // Refused or not found, the page has no client to name: the list's title.
        const me = await agentForPage(deps, user, req, res, 'referrals.title');
        if (!me) return;
        const id = typeof req.query.id === 'string' && /^[1-9]\d{0,9}$/.test(req.query.id) ? Number(req.query.id) : null;
        const referral = id === null ? null : await reports.ownReferral(me.agent.id, id);
        if (!referral) return notFound(pages, req, res, 'referrals.title', 'referrals.not_found');
        const commissions = await deps.commissions.page(me.agent.id, { from: null, to: null, status: null, programId: null, source: null, clientId: referral.clientId }, pageOf(req.query.page));
        const h = pages.helpers(req);
        const self = `${ONE}&id=${referral.clientId}`;
        const html = await pages.render('client/referral', {
          h,
          program: me.program,
          referral,
          commissions,
          pageLink: (page: number) => (page > 1 ? `${self}&page=${page}` : self),
          detailLink: (cid: number) => `${clientAction('commission')}&id=${cid}`,
          backLink: LIST,
        });
        pages.clientPage(req, res, { titleKey: 'referrals.one_title', titleVars: { name: referral.name }, href: self, crumbs: [{ label: h.t('referrals.title'), href: LIST }], html });
      },
    },
  };
}
