import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, stringOrNull, text } from '../db/columns';

/** The kinds of waiting work, in the order the inbox lists them. */
export const INBOX_KINDS = ['withdrawals', 'applications', 'shortLinks', 'selfReferrals', 'referralMoves', 'failedEmails'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

export type InboxCounts = Record<InboxKind, number>;

/** One e-mail the module sent (or failed to send) to an agent about a client. */
export interface EmailLogEntry {
  id: number;
  event: string;
  subjectId: number;
  agentId: number;
  clientId: number;
  to: string;
  status: string;
  error: string | null;
  createdAt: number;
  sentAt: number | null;
}

/** An agent's short link waiting for an admin. */
export interface PendingSlug {
  agentId: number;
  clientId: number;
  slug: string;
}

/**
 * What waits for an admin, counted: one COUNT per kind, each on an indexed status column (see
 * migration 026), so the admin area's home costs the same with a year of history as with none.
 */
export class InboxService {
  constructor(private readonly db: Knex) {}

  async counts(): Promise<InboxCounts> {
    const count = async (table: string, where: Record<string, string>): Promise<number> => {
      const [row] = asRows(await this.db(table).where(where).count({ n: '*' }));
      return row ? num(row.n) : 0;
    };
    const [withdrawals, applications, shortLinks, selfReferrals, referralMoves, failedEmails] = await Promise.all([
      count(T.withdrawals, { status: 'requested' }),
      count(T.applications, { status: 'pending' }),
      count(T.agents, { slug_status: 'pending' }),
      count(T.referralReviews, { status: 'open' }),
      count(T.referralMoves, { status: 'open' }),
      count(T.notifications, { status: 'failed' }),
    ]);
    return { withdrawals, applications, shortLinks, selfReferrals, referralMoves, failedEmails };
  }

  /** The newest e-mails, or only the failed ones, newest first. */
  async emails(onlyFailed: boolean, limit: number): Promise<EmailLogEntry[]> {
    const q = this.db(T.notifications).orderBy('id', 'desc').limit(limit);
    if (onlyFailed) q.where({ status: 'failed' });
    return asRows(await q).map((r) => ({
      id: num(r.id),
      event: text(r.event),
      subjectId: num(r.subject_id),
      agentId: num(r.agent_id),
      clientId: num(r.client_id),
      to: text(r.to),
      status: text(r.status),
      error: stringOrNull(r.error),
      createdAt: num(r.created_at),
      sentAt: numberOrNull(r.sent_at),
    }));
  }

  async pendingSlugs(limit: number): Promise<PendingSlug[]> {
    const rows = asRows(await this.db(T.agents).where({ slug_status: 'pending' }).orderBy('id').limit(limit).select('id', 'client_id', 'slug'));
    return rows.map((r) => ({ agentId: num(r.id), clientId: num(r.client_id), slug: text(r.slug) }));
  }
}
