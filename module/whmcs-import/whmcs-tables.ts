import type { Knex } from 'knex';
import { asRows, num, numberOrNull, rowOrNull, stringOrNull, text } from '../db/columns';

/**
 * The WHMCS tables the import reads, as WHMCS 8 defines them (test/support/whmcs-fixture-schema.ts
 * holds the definitions and says where they come from). Only columns that every WHMCS since 7
 * has are read, except tblaffiliatespending.invoice_id, which 8 added and is read when present.
 */
export const WHMCS_TABLES = [
  'tblaffiliates',
  'tblaffiliatesaccounts',
  'tblaffiliatespending',
  'tblaffiliateshistory',
  'tblaffiliateswithdrawals',
  'tblclients',
  'tblhosting',
  'tblcurrencies',
] as const;

/** The database given is not one the import can read: the operator's to fix, its message is enough. */
export class WhmcsSourceError extends Error {}

/** Amounts stay the exact decimal text WHMCS stored (DECIMAL(16,2)); dates stay 'YYYY-MM-DD'. */
export interface WhmcsAffiliate {
  id: number;
  clientId: number;
  date: string | null;
  paytype: string;
  payamount: string;
  balance: string;
  withdrawn: string;
}

export interface WhmcsClient {
  id: number;
  name: string;
  status: string;
  /** The ISO code of the client's currency (the default currency when the client has none), or null when WHMCS has none either. */
  currency: string | null;
}

/** A referred account: a service (tblhosting) that the affiliate brought in, and whose client it is (null: the service is gone). */
export interface WhmcsAccount {
  id: number;
  affiliateId: number;
  serviceId: number;
  clientId: number | null;
}

export interface WhmcsPending {
  id: number;
  accountId: number;
  affiliateId: number;
  amount: string;
  clearingDate: string | null;
  invoiceId: number;
}

export interface WhmcsWithdrawal {
  id: number;
  affiliateId: number;
  date: string | null;
  amount: string;
}

/** Reads a WHMCS database (MySQL or MariaDB, as WHMCS runs on) a page of affiliates at a time. */
export class WhmcsTables {
  private pendingInvoice = false;

  constructor(private readonly db: Knex) {}

  /** Refuses a database without WHMCS's affiliate tables before anything is read or written. */
  async check(): Promise<void> {
    const missing: string[] = [];
    for (const table of WHMCS_TABLES) if (!(await this.db.schema.hasTable(table))) missing.push(table);
    if (missing.length) throw new WhmcsSourceError(`not a WHMCS database: it has no ${missing.join(', ')}`);
    this.pendingInvoice = await this.db.schema.hasColumn('tblaffiliatespending', 'invoice_id');
  }

  async countAffiliates(): Promise<number> {
    return num(rowOrNull(await this.db('tblaffiliates').count({ n: '*' }).first())?.n ?? 0);
  }

  async affiliatesAfter(afterId: number, limit: number): Promise<WhmcsAffiliate[]> {
    const rows = await this.db('tblaffiliates')
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit)
      .select('id', 'clientid', 'paytype', this.day('date', 'date'), this.decimal('payamount', 'payamount'), this.decimal('balance', 'balance'), this.decimal('withdrawn', 'withdrawn'));
    return asRows(rows).map((r) => ({
      id: num(r.id),
      clientId: num(r.clientid),
      date: this.dateOrNull(r.date),
      paytype: stringOrNull(r.paytype) ?? '',
      payamount: text(r.payamount),
      balance: text(r.balance),
      withdrawn: text(r.withdrawn),
    }));
  }

  /** The clients by id, each with its currency's code; WHMCS bills a client without one in the default currency. */
  async clients(ids: number[]): Promise<Map<number, WhmcsClient>> {
    if (!ids.length) return new Map();
    const fallback = rowOrNull(await this.db('tblcurrencies').where('default', 1).orderBy('id').first('code'));
    const rows = asRows(
      await this.db('tblclients as c').leftJoin('tblcurrencies as cur', 'cur.id', 'c.currency').whereIn('c.id', ids).select('c.id', 'c.firstname', 'c.lastname', 'c.status', 'cur.code'),
    );
    return new Map(
      rows.map((r) => [
        num(r.id),
        {
          id: num(r.id),
          name: `${stringOrNull(r.firstname) ?? ''} ${stringOrNull(r.lastname) ?? ''}`.trim(),
          status: stringOrNull(r.status) ?? 'Active',
          currency: stringOrNull(r.code) ?? stringOrNull(fallback?.code) ?? null,
        },
      ]),
    );
  }

  async accountsOf(affiliateIds: number[]): Promise<WhmcsAccount[]> {
    if (!affiliateIds.length) return [];
    const rows = await this.db('tblaffiliatesaccounts as a')
      .leftJoin('tblhosting as h', 'h.id', 'a.relid')
      .whereIn('a.affiliateid', affiliateIds)
      .orderBy('a.id')
      .select('a.id', 'a.affiliateid', 'a.relid', 'h.userid');
    return asRows(rows).map((r) => ({ id: num(r.id), affiliateId: num(r.affiliateid), serviceId: num(r.relid), clientId: numberOrNull(r.userid) }));
  }

  /** Pending commissions reach their affiliate through their referred account (affaccid). */
  async pendingOf(affiliateIds: number[]): Promise<WhmcsPending[]> {
    if (!affiliateIds.length) return [];
    const rows = await this.db('tblaffiliatespending as p')
      .join('tblaffiliatesaccounts as a', 'a.id', 'p.affaccid')
      .whereIn('a.affiliateid', affiliateIds)
      .orderBy('p.id')
      .select(
        'p.id',
        'p.affaccid',
        'a.affiliateid',
        this.decimal('p.amount', 'amount'),
        this.day('p.clearingdate', 'clearingdate'),
        this.pendingInvoice ? 'p.invoice_id' : this.db.raw('0 as invoice_id'),
      );
    return asRows(rows).map((r) => ({
      id: num(r.id),
      accountId: num(r.affaccid),
      affiliateId: num(r.affiliateid),
      amount: text(r.amount),
      clearingDate: this.dateOrNull(r.clearingdate),
      invoiceId: num(r.invoice_id),
    }));
  }

  async withdrawalsOf(affiliateIds: number[]): Promise<WhmcsWithdrawal[]> {
    if (!affiliateIds.length) return [];
    const rows = await this.db('tblaffiliateswithdrawals').whereIn('affiliateid', affiliateIds).orderBy('id').select('id', 'affiliateid', this.day('date', 'date'), this.decimal('amount', 'amount'));
    return asRows(rows).map((r) => ({ id: num(r.id), affiliateId: num(r.affiliateid), date: this.dateOrNull(r.date), amount: text(r.amount) }));
  }

  /** What each affiliate's history of cleared commissions adds up to, to check the balance against. */
  async historyTotals(affiliateIds: number[]): Promise<Map<number, string>> {
    if (!affiliateIds.length) return new Map();
    const rows = await this.db('tblaffiliateshistory').whereIn('affiliateid', affiliateIds).groupBy('affiliateid').select('affiliateid', this.db.raw('CAST(SUM(amount) AS CHAR) as total'));
    return new Map(asRows(rows).map((r) => [num(r.affiliateid), text(r.total)]));
  }

  /** Pending commissions whose referred account was deleted: no affiliate to give them to. */
  async orphanPending(): Promise<number> {
    const row = rowOrNull(await this.db('tblaffiliatespending as p').leftJoin('tblaffiliatesaccounts as a', 'a.id', 'p.affaccid').whereNull('a.id').count({ n: '*' }).first());
    return num(row?.n ?? 0);
  }

  /** The exact decimal text, whatever the driver would make of a DECIMAL. */
  private decimal(column: string, as: string): Knex.Raw {
    return this.db.raw('CAST(?? AS CHAR) as ??', [column, as]);
  }

  /** The date as text, so that no driver turns it into an instant in some zone. */
  private day(column: string, as: string): Knex.Raw {
    return this.db.raw("DATE_FORMAT(??, '%Y-%m-%d') as ??", [column, as]);
  }

  /** WHMCS writes 0000-00-00 for "no date". */
  private dateOrNull(v: unknown): string | null {
    const s = stringOrNull(v);
    return s && /^\d{4}-\d{2}-\d{2}$/.test(s) && !s.startsWith('0000') ? s : null;
  }
}
