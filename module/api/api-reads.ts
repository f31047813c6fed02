import type { Knex } from 'knex';
import type { z } from 'zod';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, rowOrNull, stringOrNull, text, type Row } from '../db/columns';
import { CODE_LINK, REFERRAL_LINK } from '../http/paths';
import type { Agent, Click, Commission, Link, Payout, Program, Referral } from './api-schemas';
import { encodeCursor } from './cursor';

export interface PageRequest {
  /** The id after which the page starts. */
  after: number;
  limit: number;
  agentId?: number;
}

export interface Page<R> {
  data: R[];
  next_cursor: string | null;
}

const iso = (ms: unknown) => new Date(num(ms)).toISOString();
const isoOrNull = (ms: unknown) => (numberOrNull(ms) === null ? null : iso(ms));
const money = (amount: unknown, currency: unknown) => ({ amount_minor: num(amount), currency: text(currency) });

export const toAgent = (r: Row): z.infer<typeof Agent> => ({
  id: num(r.id),
  client_id: num(r.client_id),
  program_id: num(r.program_id),
  status: text(r.status),
  tier: stringOrNull(r.tier),
  referral_code: stringOrNull(r.referral_code),
  created_at: iso(r.created_at),
});
export const toReferral = (r: Row): z.infer<typeof Referral> => ({
  id: num(r.id),
  agent_id: num(r.agent_id),
  client_id: num(r.client_id),
  program_id: num(r.program_id),
  rule: text(r.rule),
  created_at: iso(r.created_at),
  ended_at: isoOrNull(r.ended_at),
});
export const toCommission = (r: Row): z.infer<typeof Commission> => ({
  id: num(r.id),
  agent_id: num(r.agent_id),
  program_id: num(r.program_id),
  client_id: num(r.client_id),
  invoice_id: num(r.invoice_id),
  role: text(r.role),
  status: text(r.status),
  amount: money(r.amount_minor, r.currency),
  adjusted: money(r.adjusted_minor, r.currency),
  reason: stringOrNull(r.reason),
  created_at: iso(r.created_at),
  available_at: iso(r.available_at),
});
export const toPayout = (r: Row): z.infer<typeof Payout> => ({
  id: num(r.id),
  agent_id: num(r.agent_id),
  status: text(r.status),
  amount: money(r.amount_minor, r.currency),
  tax: money(r.tax_minor, r.currency),
  period: stringOrNull(r.period),
  requested_at: iso(r.requested_at),
  paid_at: isoOrNull(r.paid_at),
});
const toProgram = (r: Row): z.infer<typeof Program> => ({
  id: num(r.id),
  slug: text(r.slug),
  name: text(r.name),
  currency: text(r.currency),
  cookie_days: num(r.cookie_days),
  attribution: text(r.attribution),
});
const toClick = (r: Row): z.infer<typeof Click> => ({ id: num(r.id), agent_id: num(r.agent_id), created_at: iso(r.created_at), referer: text(r.referer) });

/**
 * The API's reads: each a page of a table in id order, from the row after the cursor's, one row
 * more than asked for so that the last page says so without a second query.
 */
export class ApiReads {
  constructor(
    private readonly db: Knex,
    private readonly siteUrl: () => string,
  ) {}

  agents = (p: PageRequest) => this.page(T.agents, p, 'id', toAgent);
  referrals = (p: PageRequest) => this.page(T.referrals, p, 'agent_id', toReferral);
  commissions = (p: PageRequest) => this.page(T.commissions, p, 'agent_id', toCommission);
  payouts = (p: PageRequest) => this.page(T.withdrawals, p, 'agent_id', toPayout);
  programs = (p: PageRequest) => this.page(T.programs, { ...p, agentId: undefined }, 'id', toProgram);
  clicks = (p: PageRequest) => this.page(T.clicks, p, 'agent_id', toClick);
  /** An agent's links: one per agent, so paged over the agents. */
  links = (p: PageRequest) => this.page(T.agents, p, 'id', (r) => this.toLink(r));

  async one(table: 'agents' | 'commissions' | 'withdrawals', id: number): Promise<Row | null> {
    return rowOrNull(await this.db(T[table]).where({ id }).first());
  }

  private toLink(r: Row): z.infer<typeof Link> {
    const site = this.siteUrl();
    const code = stringOrNull(r.referral_code);
    const slug = stringOrNull(r.slug);
    return {
      agent_id: num(r.id),
      referral_link: `${site}${REFERRAL_LINK}?aff=${num(r.id)}`,
      code_link: code ? `${site}${CODE_LINK}${code}` : null,
      short_link: slug && stringOrNull(r.slug_status) === 'approved' ? `${site}/go/${slug}` : null,
      referral_code: code,
    };
  }

  private async page<R>(table: string, { after, limit, agentId }: PageRequest, agentColumn: string, map: (r: Row) => R): Promise<Page<R>> {
    const q = this.db(table)
      .where('id', '>', after)
      .orderBy('id')
      .limit(limit + 1);
    if (agentId !== undefined) void q.where(agentColumn, agentId);
    const rows = asRows(await q);
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { data: shown.map(map), next_cursor: rows.length > limit && last ? encodeCursor(num(last.id)) : null };
  }
}
