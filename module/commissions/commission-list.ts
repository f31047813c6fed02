import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num, rowOrNull, stringOrNull, text } from '../db/columns';
import { minor, type Minor } from '../money/amount';
import { commissionFromRow, type Commission, type CommissionStatus } from './commission-row';
import { pageCount } from '../http/paging';
import { paidAllocation } from './paid-allocation';

/** Commissions on one page of the agent's list. */
export const COMMISSIONS_PER_PAGE = 25;

/** What the agent's list is narrowed to; null is "any". Times are epoch ms, `to` exclusive. */
export interface CommissionFilter {
  from: number | null;
  to: number | null;
  status: CommissionStatus | null;
  programId: number | null;
  source: string | null;
  /** One client's commissions (a referral's page). */
  clientId?: number | null;
}

/** A commission with the source of the link that brought its client (or its order), when one did. */
export type ListedCommission = Commission & { source: string | null };

export interface CommissionPage {
  rows: ListedCommission[];
  total: number;
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
}

/**
 * Where a commission came from: for an order-scoped program the click its order was placed after,
 * otherwise the click that won its client's referral — each only while it is this agent's (a
 * moved referral no longer speaks for the old agent's commissions). An admin's assignment had no
 * click, and a manual commission no client: null.
 */
function sourceExpression(): string {
  return `COALESCE((SELECT oc.source FROM ${T.orderClicks} oc WHERE oc.invoice_id = c.invoice_id AND oc.agent_id = c.agent_id LIMIT 1), (SELECT r.source FROM ${T.referrals} r WHERE r.client_id = c.client_id AND r.agent_id = c.agent_id))`;
}

/**
 * One page of an agent's commissions, newest first, narrowed by the filter. Only this agent's rows
 * are ever read: the agent id is part of every query, which reads the (agent, created_at) index.
 */
export async function commissionPage(db: Knex, agentId: number, filter: CommissionFilter, page: number): Promise<CommissionPage> {
  const narrowed = () => {
    const q = db({ c: T.commissions }).where('c.agent_id', agentId);
    if (filter.from !== null) q.where('c.created_at', '>=', filter.from);
    if (filter.to !== null) q.where('c.created_at', '<', filter.to);
    if (filter.status !== null) q.where('c.status', filter.status);
    if (filter.programId !== null) q.where('c.program_id', filter.programId);
    if (filter.source !== null) q.whereRaw(`${sourceExpression()} = ?`, [filter.source]);
    if (filter.clientId != null) q.where('c.client_id', filter.clientId);
    return q;
  };
  const total = num(rowOrNull(await narrowed().count({ n: '*' }).first())?.n ?? 0);
  const pages = pageCount(total, COMMISSIONS_PER_PAGE);
  const at = Math.min(Math.max(1, page), pages);
  const rows = asRows(
    await narrowed()
      .select('c.*', db.raw(`${sourceExpression()} AS source_name`))
      .orderBy('c.created_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(COMMISSIONS_PER_PAGE)
      .offset((at - 1) * COMMISSIONS_PER_PAGE),
  );
  return { rows: rows.map((r) => ({ ...commissionFromRow(r), source: stringOrNull(r.source_name) || null })), total, page: at, pages };
}

/** The agent's own commission, or null when there is none by that id or it is another agent's. */
export async function ownCommission(db: Knex, agentId: number, id: number): Promise<ListedCommission | null> {
  const row = rowOrNull(
    await db({ c: T.commissions })
      .where({ 'c.id': id, 'c.agent_id': agentId })
      .first('c.*', db.raw(`${sourceExpression()} AS source_name`)),
  );
  return row ? { ...commissionFromRow(row), source: stringOrNull(row.source_name) || null } : null;
}

/** One line of a commission's history: a ledger transaction tied to it, or what a payout paid of it. */
export interface HistoryLine {
  at: number;
  /**
   * The ledger's kind: earn, release, void, reverse, forfeit…; or, from the payouts
   * (paid-allocation.ts): paid, offset (set against money taken back), forfeit (with a balance).
   */
  kind: string;
  /** How much of the agent's money it moved (always positive; the kind says which way). */
  amount: Minor;
  /** paid: the withdrawal that paid it, as the agent's Payouts page numbers it. */
  payoutId?: number;
  /** paid: tax was withheld from that payout; the commission itself counts gross. */
  taxWithheld?: boolean;
  /** offset: the commission whose take-back it covered (null: none was named). */
  from?: number | null;
}

/**
 * A commission's history, oldest first: the ledger transactions tied to it (earned, released,
 * voided, reversed by a refund, forfeited), each with what it moved in the agent's own accounts;
 * and, once it is released, what payouts paid of it. A withdrawal pays a balance, not named
 * commissions: paid-allocation.ts derives which, oldest released first (one more query, only for
 * a released commission).
 */
export async function commissionHistory(db: Knex, c: Pick<Commission, 'id' | 'agentId'>): Promise<HistoryLine[]> {
  const rows = asRows(
    await db({ t: T.txns })
      .join({ e: T.entries }, 'e.txn_id', 't.id')
      .where({ 't.commission_id': c.id, 'e.agent_id': c.agentId })
      .orderBy('t.id')
      .select('t.id', 't.kind', 't.created_at', 'e.amount_minor', 'e.currency'),
  );
  const byTxn = new Map<number, { id: number; at: number; kind: string; plus: number; minus: number }>();
  let currency: string | null = null;
  for (const r of rows) {
    const id = num(r.id);
    let line = byTxn.get(id);
    if (!line) byTxn.set(id, (line = { id, at: num(r.created_at), kind: text(r.kind), plus: 0, minus: 0 }));
    const amount = num(r.amount_minor);
    if (amount > 0) line.plus += amount;
    else line.minus -= amount;
    currency = text(r.currency);
  }
  // A release moves a out of pending and into available: a, not 2a nor 0.
  const lines: { txnId: number; line: HistoryLine }[] = [...byTxn.values()].map((l) => ({ txnId: l.id, line: { at: l.at, kind: l.kind, amount: minor(Math.max(l.plus, l.minus)) } }));
  if (currency !== null && lines.some((l) => l.line.kind === 'release')) {
    for (const a of (await paidAllocation(db, c.agentId, currency)).get(c.id) ?? []) {
      const line: HistoryLine =
        a.kind === 'paid' ? { at: a.at, kind: 'paid', amount: a.amount, payoutId: a.payoutId, taxWithheld: a.taxWithheld } : { at: a.at, kind: a.kind, amount: a.amount, from: a.from };
      lines.push({ txnId: a.txnId, line });
    }
  }
  return lines.sort((x, y) => x.line.at - y.line.at || x.txnId - y.txnId).map((l) => l.line);
}

/** What an agent's commissions still earn them, per source of their clients (or orders) and currency. */
export interface SourceEarnings {
  /** null: no link brought it (an admin's assignment, a manual commission). */
  source: string | null;
  currency: string;
  amount: Minor;
}

/**
 * Earnings per source: every commission still standing (not voided, refused or forfeited), less
 * what refunds took back, grouped by the source its client's referral or its order came from.
 */
export async function earningsBySource(db: Knex, agentId: number): Promise<SourceEarnings[]> {
  const rows = asRows(
    await db({ c: T.commissions })
      .where('c.agent_id', agentId)
      .whereNotIn('c.status', ['voided', 'rejected', 'forfeited'])
      .groupBy('source_name', 'c.currency')
      .select(db.raw(`${sourceExpression()} AS source_name`), 'c.currency', db.raw('SUM(c.amount_minor - c.adjusted_minor) AS earned')),
  );
  return rows.map((r) => ({ source: stringOrNull(r.source_name) || null, currency: text(r.currency), amount: minor(num(r.earned)) }));
}
