import { currency as currencyCode, isCurrency } from '../money/currencies';
import { type Minor, add, minor, toDecimalString } from '../money/amount';
import { IMPORT_KINDS, type ImportKind } from './import-log';

/** What became of one source row in this run. */
export const STATUSES = ['imported', 'already', 'skipped'] as const;
export type Status = (typeof STATUSES)[number];

/** The figures compared before and after, per currency: counts of rows, sums of minor units. */
export interface Figures {
  agents: number;
  referrals: number;
  pending: Minor;
  available: Minor;
  withdrawn: Minor;
}

export type Figure = keyof Figures;

/** One source row's fate, as the writer decided it; `figure` and `amount` say what it counts for. */
export interface Item {
  kind: ImportKind;
  id: number;
  status: Status;
  figure?: Figure;
  amount?: Minor;
  reason?: string;
  /** The client a referred account's referral is for. */
  clientId?: number;
}

export const zeroFigures = (): Figures => ({ agents: 0, referrals: 0, pending: minor(0), available: minor(0), withdrawn: minor(0) });

/**
 * What an import found in WHMCS and did with it: per currency, WHMCS's figures and how much of
 * each was imported now, was there already, or was skipped (with the reasons, one line each).
 * Every row counts in exactly one of the three, so WHMCS's figure is always their sum.
 */
export class ImportReport {
  readonly totals = new Map<string, Record<'whmcs' | Status, Figures>>();
  readonly rows: Record<ImportKind, Record<Status, number>>;
  readonly problems: string[] = [];
  readonly notes: string[] = [];
  affiliatesRead = 0;
  /** Affiliates whose money cannot even be counted (no client, no currency): each is in problems. */
  unplaced = 0;

  constructor(
    readonly source: string,
    readonly dryRun: boolean,
  ) {
    this.rows = { affiliate: zeroRow(), account: zeroRow(), pending: zeroRow(), balance: zeroRow(), withdrawal: zeroRow(), withdrawn: zeroRow() };
  }

  tally(currency: string, item: Item): void {
    this.rows[item.kind][item.status]++;
    if (!item.figure) return;
    let t = this.totals.get(currency);
    if (!t) this.totals.set(currency, (t = { whmcs: zeroFigures(), imported: zeroFigures(), already: zeroFigures(), skipped: zeroFigures() }));
    for (const bucket of [t.whmcs, t[item.status]]) {
      if (item.figure === 'agents' || item.figure === 'referrals') bucket[item.figure]++;
      else bucket[item.figure] = add(bucket[item.figure], item.amount ?? minor(0));
    }
  }

  /** The rows and figures as the command line prints them; `inModule` adds the module's balances of the imported agents. */
  lines(inModule?: Map<string, Figures>): string[] {
    const out = [`${'currency'.padEnd(9)}${'what'.padEnd(14)}${'agents'.padStart(7)}${'referrals'.padStart(10)}${'pending'.padStart(16)}${'available'.padStart(16)}${'withdrawn'.padStart(16)}`];
    const row = (cur: string, what: string, f: Figures) =>
      `${cur.padEnd(9)}${what.padEnd(14)}${String(f.agents).padStart(7)}${String(f.referrals).padStart(10)}${money(f.pending, cur)}${money(f.available, cur)}${money(f.withdrawn, cur)}`;
    for (const [cur, t] of [...this.totals].sort(([a], [b]) => a.localeCompare(b))) {
      out.push(row(cur, 'in WHMCS', t.whmcs), row(cur, this.dryRun ? 'to import' : 'imported', t.imported), row(cur, 'already there', t.already), row(cur, 'skipped', t.skipped));
      const m = inModule?.get(cur);
      if (m) out.push(row(cur, 'in the module', m));
    }
    out.push(
      'rows: ' +
        IMPORT_KINDS.map((k) => {
          const r = this.rows[k];
          return `${k} ${r.imported + r.already + r.skipped} (${this.dryRun ? 'to import' : 'imported'} ${r.imported}, already ${r.already}, skipped ${r.skipped})`;
        }).join('; '),
    );
    return out;
  }
}

function zeroRow(): Record<Status, number> {
  return { imported: 0, already: 0, skipped: 0 };
}

function money(amount: Minor, cur: string): string {
  return (isCurrency(cur) ? toDecimalString(amount, currencyCode(cur)) : String(amount)).padStart(16);
}
