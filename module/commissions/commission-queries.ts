import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows } from '../db/columns';
import { commissionFromRow, type Commission } from './commission-row';

/** Commissions as the agent's and the admin's pages, and the tests, read them. */
export class CommissionQueries {
  constructor(private readonly db: Knex) {}

  async get(id: number): Promise<Commission | null> {
    const row: unknown = await this.db(T.commissions).where({ id }).first();
    return row ? commissionFromRow(row) : null;
  }

  async listForAgent(agentId: number, limit = 100): Promise<Commission[]> {
    return asRows(await this.db(T.commissions).where({ agent_id: agentId }).orderBy('id', 'desc').limit(limit)).map(commissionFromRow);
  }

  async forInvoice(invoiceId: number): Promise<Commission[]> {
    return asRows(await this.db(T.commissions).where({ invoice_id: invoiceId }).orderBy('id')).map(commissionFromRow);
  }
}
