import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num } from '../db/columns';
import { commissionFromRow, type Commission } from './commission-row';
import {
  commissionHistory,
  commissionPage,
  earningsBySource,
  ownCommission,
  type CommissionFilter,
  type CommissionPage,
  type HistoryLine,
  type ListedCommission,
  type SourceEarnings,
} from './commission-list';

/** Commissions as the agent's and the admin's pages, and the tests, read them. */
export class CommissionQueries {
  constructor(private readonly db: Knex) {}

  async get(id: number): Promise<Commission | null> {
    const row: unknown = await this.db(T.commissions).where({ id }).first();
    return row ? commissionFromRow(row) : null;
  }

  /** A page of the agent's commissions, filtered (module/commissions/commission-list.ts). */
  page(agentId: number, filter: CommissionFilter, page: number): Promise<CommissionPage> {
    return commissionPage(this.db, agentId, filter, page);
  }

  /** One of the agent's own commissions; null for another agent's, as for none. */
  ownForAgent(agentId: number, id: number): Promise<ListedCommission | null> {
    return ownCommission(this.db, agentId, id);
  }

  history(c: Pick<Commission, 'id' | 'agentId'>): Promise<HistoryLine[]> {
    return commissionHistory(this.db, c);
  }

  /** The programs the agent has earned under, by id. */
  async programIdsOf(agentId: number): Promise<number[]> {
    return asRows(await this.db(T.commissions).where({ agent_id: agentId }).distinct('program_id')).map((r) => num(r.program_id));
  }

  earningsBySource(agentId: number): Promise<SourceEarnings[]> {
    return earningsBySource(this.db, agentId);
  }

  async listForAgent(agentId: number, limit = 100): Promise<Commission[]> {
    return asRows(await this.db(T.commissions).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(commissionFromRow);
  }

  async forInvoice(invoiceId: number): Promise<Commission[]> {
    return asRows(await this.db(T.commissions).where({ invoice_id: invoiceId }).orderBy('id')).map(commissionFromRow);
  }
}
