import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num, numberOrNull } from '../db/columns';

/** What a source row was: an affiliate (agent), a referred account (referral), a pending commission, an opening entry. */
export const IMPORT_KINDS = ['affiliate', 'account', 'pending', 'balance', 'withdrawal', 'withdrawn'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** The source rows already brought across, by kind: source id → what each became (null: nothing, an amount of zero). */
export type Imported = Record<ImportKind, Map<number, number | null>>;

/**
 * The record of what an import brought across (mod_agenttools_imports). A row is written in the
 * transaction that makes what it names, so a second run skips exactly what the first finished,
 * and its primary key refuses a second run bringing the same row at the same time.
 */
export class ImportLog {
  constructor(private readonly db: Knex) {}

  /** Which of these source rows are already in, for each kind. */
  async imported(source: string, ids: Record<ImportKind, number[]>, db: Knex | Knex.Transaction = this.db): Promise<Imported> {
    const out: Imported = { affiliate: new Map(), account: new Map(), pending: new Map(), balance: new Map(), withdrawal: new Map(), withdrawn: new Map() };
    for (const kind of IMPORT_KINDS) {
      if (!ids[kind].length) continue;
      const rows = asRows(await db(T.imports).where({ source, kind }).whereIn('source_id', ids[kind]).select('source_id', 'target_id'));
      for (const r of rows) out[kind].set(num(r.source_id), numberOrNull(r.target_id));
    }
    return out;
  }

  async record(trx: Knex.Transaction, source: string, kind: ImportKind, sourceId: number, targetId: number | null, at: number): Promise<void> {
    await trx(T.imports).insert({ source, kind, source_id: sourceId, target_id: targetId, imported_at: at });
  }

  /** The agents a source's affiliates became. */
  async agents(source: string): Promise<number[]> {
    const rows = asRows(await this.db(T.imports).where({ source, kind: 'affiliate' }).whereNotNull('target_id').select('target_id'));
    return rows.map((r) => num(r.target_id));
  }
}
