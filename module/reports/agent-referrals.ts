import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, rowOrNull, stringOrNull } from '../db/columns';
import type { HostApi, HostClient } from '../contract/host-api';
import { minor, type Minor } from '../money/amount';
import { pageCount } from '../http/paging';

export const REFERRALS_PER_PAGE = 25;
/** The referrals a search looks through (names and e-mails live in the host, one read each). */
export const MAX_SEARCHED = 1000;

export const REFERRAL_SORTS = ['newest', 'most', 'least'] as const;
export type ReferralSort = (typeof REFERRAL_SORTS)[number];
export const REFERRAL_STATES = ['active', 'closed'] as const;
export type ReferralState = (typeof REFERRAL_STATES)[number];

export interface ReferralQuery {
  /** Part of the client's name or e-mail, any case; empty: every referral. */
  search: string;
  state: ReferralState | null;
  sort: ReferralSort;
  page: number;
}

export interface AgentReferral {
  clientId: number;
  since: number;
  source: string | null;
  /** When the client closed their account (ClientClose); null while it is open. */
  closedAt: number | null;
  /** What the client's commissions still earn the agent, in the program's currency. */
  earned: Minor;
  /** The first name and the initial of the last, as the agent's pages show clients. */
  name: string;
}

export interface ReferralPage {
  rows: AgentReferral[];
  total: number;
  page: number;
  pages: number;
  /** The host found MAX_SEARCHED clients for the search, so there may be more than it gave. */
  truncated: boolean;
}

function shortName(c: HostClient | null, clientId: number): string {
  return c ? `${c.firstname} ${c.lastname.slice(0, 1)}.` : `#${clientId}`;
}

/**
 * The agent's referrals with what each has earned them: filtered by state in the database, sorted
 * by earnings there (ties: newest first), 25 to a page. A search by name or e-mail asks the host
 * for the matching clients (at most 1,000, HostApi.searchClients) and keeps the agent's referrals
 * among them, in the same order.
 */
export async function agentReferrals(db: Knex, host: Pick<HostApi, 'getClient' | 'searchClients'>, agentId: number, currency: string, q: ReferralQuery): Promise<ReferralPage> {
  const earned = db(T.commissions)
    .where({ agent_id: agentId, currency })
    .whereNotIn('status', ['voided', 'rejected', 'forfeited'])
    .groupBy('client_id')
    .select('client_id', db.raw('SUM(amount_minor - adjusted_minor) AS earned'));
  const base = () => {
    const b = db({ r: T.referrals }).where('r.agent_id', agentId);
    if (q.state === 'closed') b.whereNotNull('r.closed_at');
    if (q.state === 'active') b.whereNull('r.closed_at');
    return b;
  };
  const ordered = () => {
    const b = base().leftJoin(earned.as('e'), 'e.client_id', 'r.client_id').select('r.client_id', 'r.created_at', 'r.source', 'r.closed_at', db.raw('COALESCE(e.earned, 0) AS earned'));
    if (q.sort === 'most') b.orderByRaw('COALESCE(e.earned, 0) DESC');
    if (q.sort === 'least') b.orderByRaw('COALESCE(e.earned, 0) ASC');
    return b.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc');
  };
  const toReferral = (r: Record<string, unknown>, c: HostClient | null): AgentReferral => ({
    clientId: num(r.client_id),
    since: num(r.created_at),
    source: stringOrNull(r.source) || null,
    closedAt: numberOrNull(r.closed_at),
    earned: minor(num(r.earned)),
    name: shortName(c, num(r.client_id)),
  });
  const needle = q.search.trim().toLowerCase();
  if (!needle) {
    const total = num(rowOrNull(await base().count({ n: '*' }).first())?.n ?? 0);
    const pages = pageCount(total, REFERRALS_PER_PAGE);
    const page = Math.min(Math.max(1, q.page), pages);
    const rows = asRows(
      await ordered()
        .limit(REFERRALS_PER_PAGE)
        .offset((page - 1) * REFERRALS_PER_PAGE),
    );
    const clients = await Promise.all(rows.map((r) => host.getClient(num(r.client_id))));
    return { rows: rows.map((r, i) => toReferral(r, clients[i] ?? null)), total, page, pages, truncated: false };
  }
  // The host finds the clients by name or e-mail in one question; the agent's referrals among
  // them, sorted as asked, in one query — not one host call per referral.
  const matched = await host.searchClients(needle, MAX_SEARCHED);
  const truncated = matched.length >= MAX_SEARCHED;
  const byId = new Map(matched.map((c) => [c.id, c]));
  const rows = byId.size ? asRows(await ordered().whereIn('r.client_id', [...byId.keys()])) : [];
  const found = rows.map((r) => toReferral(r, byId.get(num(r.client_id)) ?? null));
  const pages = pageCount(found.length, REFERRALS_PER_PAGE);
  const page = Math.min(Math.max(1, q.page), pages);
  return { rows: found.slice((page - 1) * REFERRALS_PER_PAGE, page * REFERRALS_PER_PAGE), total: found.length, page, pages, truncated };
}

/** The agent's own referral of this client, or null when the client is not (or no longer) theirs. */
export type OwnReferral = Omit<AgentReferral, 'earned'> & { status: string | null };

export async function ownReferral(db: Knex, host: Pick<HostApi, 'getClient'>, agentId: number, clientId: number): Promise<OwnReferral | null> {
  const r = rowOrNull(await db(T.referrals).where({ agent_id: agentId, client_id: clientId }).first());
  if (!r) return null;
  const c = await host.getClient(clientId);
  return {
    clientId,
    since: num(r.created_at),
    source: stringOrNull(r.source) || null,
    closedAt: numberOrNull(r.closed_at),
    name: shortName(c, clientId),
    status: c?.status ?? null,
  };
}
