import type { Knex } from 'knex';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, text } from '../db/columns';
import { minor, type Minor } from '../money/amount';

/*
 * Which payout paid which commission (issue 13). A withdrawal pays a balance, never named
 * commissions, so nothing records it; it is derived here, at read time, from the ledger alone:
 * one query per agent and currency, whatever the number of commissions. No table keeps it,
 * so nothing can drift from the ledger, and a correction of the rule below changes every page at once.
 *
 * The rule: released money is paid oldest first. Each release (and an imported opening balance) is
 * a lot, in the order of its release time, then commission id. The ledger is replayed in order:
 *
 *   reserve      a withdrawal requested (or scheduled) claims the oldest open lots, as much as it
 *                reserved: that is the money it took out of available.
 *   return,      the claims go back to their lots (rejected, cancelled, or the bank returned it):
 *   payout_fail  nothing was paid.
 *   pay          the claims are paid, on the pay transaction's date. A pay transaction exists only
 *                once a withdrawal is marked paid or its batch line paid (for credit to account, once
 *                the host has credited it); a requested, rejected, cancelled or failed one has none.
 *                The gross is paid: the withholding tax is kept back from the payout, not from any
 *                commission, so each commission counts whole. Credit to the agent's client account
 *                counts as paid once the host has credited it, even before the withdrawal is marked
 *                paid (a batch credits first, then marks; an admin may credit a single request).
 *   forfeit of   the claims are forfeited (an agent blocked with a request waiting).
 *   reserved
 *   take-back    a reversal or forfeit from available: first what is still open of its own commission
 *                (that part was never paid). What is beyond it had already been claimed or paid: the
 *                commission stays paid — the money did go out for it — and, as the ledger carries a
 *                refund of released money into later commissions, the excess is set against the
 *                oldest other open lots, then against the next releases. Those lines say so.
 *
 * Grouped by currency: a payout in USD pays only USD commissions.
 */

/** One thing the replay says about one commission, besides its own ledger transactions. */
export type AllocationLine =
  | {
      kind: 'paid';
      at: number;
      /** The ledger transaction it comes from (the history's order at equal times). */
      txnId: number;
      amount: Minor;
      /** The withdrawal that paid it: "payout #id" on the agent's Payouts page. */
      payoutId: number;
      /** Tax was withheld from that payout (the commission itself was paid gross). */
      taxWithheld: boolean;
    }
  | {
      /** offset: set against money taken back beyond another commission's open part; forfeit: forfeited with a balance or a request. */
      kind: 'offset' | 'forfeit';
      at: number;
      txnId: number;
      amount: Minor;
      /** offset: the commission whose take-back it covered; null when no commission was named. */
      from: number | null;
    };

/** A ledger transaction as it moved the agent's own money in one currency. */
export interface MoneyTxn {
  id: number;
  at: number;
  kind: string;
  commissionId: number | null;
  withdrawalId: number | null;
  /** Net change of the agent's available, reserved and withdrawn accounts. */
  available: number;
  reserved: number;
  withdrawn: number;
}

interface Lot {
  commissionId: number | null;
  releasedAt: number;
  txnId: number;
  /** Released and not (yet) claimed by a withdrawal, paid or taken back. */
  open: number;
}

interface Claim {
  lot: Lot;
  amount: number;
}

/** The agent's money transactions in one currency, oldest first: one query. */
export async function moneyTxns(db: Knex, agentId: number, currency: string): Promise<MoneyTxn[]> {
  const rows = asRows(
    await db({ e: T.entries })
      .join({ t: T.txns }, 't.id', 'e.txn_id')
      .where({ 'e.agent_id': agentId, 'e.currency': currency })
      .whereIn('e.account', ['available', 'reserved', 'withdrawn'])
      .orderBy('t.id')
      .select('t.id', 't.kind', 't.created_at', 't.commission_id', 't.withdrawal_id', 'e.account', 'e.amount_minor'),
  );
  const out: MoneyTxn[] = [];
  for (const r of rows) {
    const id = num(r.id);
    let t = out[out.length - 1];
    if (!t || t.id !== id) {
      t = { id, at: num(r.created_at), kind: text(r.kind), commissionId: numberOrNull(r.commission_id), withdrawalId: numberOrNull(r.withdrawal_id), available: 0, reserved: 0, withdrawn: 0 };
      out.push(t);
    }
    const account = text(r.account);
    if (account === 'available' || account === 'reserved' || account === 'withdrawn') t[account] += num(r.amount_minor);
  }
  return out;
}

/** A withdrawal the host has credited to the agent's account that the ledger does not show paid yet. */
export interface CreditedPayout {
  withdrawalId: number;
  at: number;
  taxWithheld: boolean;
}

/** The agent's withdrawals in the currency credited by the host and still reserved (not yet marked paid): one query. */
export async function creditedUnpaid(db: Knex, agentId: number, currency: string): Promise<CreditedPayout[]> {
  const rows = asRows(
    await db({ w: T.withdrawals })
      .join({ pc: T.payoutCredits }, 'pc.withdrawal_id', 'w.id')
      .where({ 'w.agent_id': agentId, 'w.currency': currency })
      .whereIn('w.status', ['requested', 'in_batch'])
      .whereNotNull('pc.credited_at')
      .orderBy('w.id')
      .select('w.id', 'w.tax_minor', 'pc.credited_at'),
  );
  return rows.map((r) => ({ withdrawalId: num(r.id), at: num(r.credited_at), taxWithheld: num(r.tax_minor) > 0 }));
}

/** The replay described above: what was paid (or set off, or forfeited) of each commission, by commission id. */
export function allocate(txns: MoneyTxn[], credited: CreditedPayout[] = []): Map<number, AllocationLine[]> {
  const lots: Lot[] = [];
  const byCommission = new Map<number, Lot>();
  const claims = new Map<number, Claim[]>();
  /** Taken back beyond every open lot: set against the next money released. */
  const debts: { amount: number; from: number | null }[] = [];
  const out = new Map<number, AllocationLine[]>();
  /** No lot before this index is open (kept so that a long history is walked once, not per payout). */
  let head = 0;

  const note = (lot: Lot, line: AllocationLine) => {
    if (lot.commissionId === null || line.amount <= 0) return;
    const lines = out.get(lot.commissionId) ?? [];
    const last = lines[lines.length - 1];
    // One line per payout even when its claim was made in two steps.
    if (last && last.kind === 'paid' && line.kind === 'paid' && last.payoutId === line.payoutId && last.txnId === line.txnId) last.amount = minor(last.amount + line.amount);
    else lines.push(line);
    out.set(lot.commissionId, lines);
  };

  /** Takes up to `amount` from the oldest open lots; what each gave. */
  const takeOldest = (amount: number): Claim[] => {
    const taken: Claim[] = [];
    let left = amount;
    for (let i = head; i < lots.length && left > 0; i++) {
      const lot = lots[i];
      if (!lot || lot.open <= 0) continue;
      const part = Math.min(lot.open, left);
      lot.open -= part;
      left -= part;
      taken.push({ lot, amount: part });
    }
    while (head < lots.length && (lots[head]?.open ?? 0) <= 0) head++;
    return taken;
  };

  const reopen = (lot: Lot, amount: number) => {
    lot.open += amount;
    const i = lots.indexOf(lot);
    if (i >= 0 && i < head) head = i;
  };

  /** Open money first pays off what was taken back beyond the lots (as the ledger's negative available does). */
  const settleDebts = (t: MoneyTxn) => {
    while (debts.length) {
      const debt = debts[0];
      if (!debt) break;
      const taken = takeOldest(debt.amount);
      if (!taken.length) return;
      for (const c of taken) {
        debt.amount -= c.amount;
        // Money a commission's own refund took back and its own return gives again is no offset worth a line.
        if (debt.from !== c.lot.commissionId) note(c.lot, { kind: 'offset', at: t.at, txnId: t.id, amount: minor(c.amount), from: debt.from });
      }
      if (debt.amount > 0) return;
      debts.shift();
    }
  };

  const addLot = (t: MoneyTxn, amount: number) => {
    const lot: Lot = { commissionId: t.commissionId, releasedAt: t.at, txnId: t.id, open: amount };
    // Oldest release first, then commission id; a release written by a node whose clock lags goes in its place.
    let i = lots.length;
    while (i > 0) {
      const before = lots[i - 1];
      if (!before || before.releasedAt < lot.releasedAt || (before.releasedAt === lot.releasedAt && (before.commissionId ?? 0) <= (lot.commissionId ?? 0))) break;
      i--;
    }
    lots.splice(i, 0, lot);
    if (i < head) head = i;
    if (lot.commissionId !== null && !byCommission.has(lot.commissionId)) byCommission.set(lot.commissionId, lot);
    settleDebts(t);
  };

  const takeBack = (t: MoneyTxn, amount: number) => {
    let left = amount;
    const own = t.commissionId === null ? undefined : byCommission.get(t.commissionId);
    if (own && own.open > 0) {
      const part = Math.min(own.open, left);
      own.open -= part;
      left -= part;
    }
    if (left <= 0) return;
    const kind = t.commissionId === null && t.kind === 'forfeit' ? 'forfeit' : 'offset';
    for (const c of takeOldest(left)) {
      left -= c.amount;
      note(c.lot, { kind, at: t.at, txnId: t.id, amount: minor(c.amount), from: t.commissionId });
    }
    if (left > 0) debts.push({ amount: left, from: t.commissionId });
  };

  for (const t of txns) {
    const w = t.withdrawalId;
    if (t.reserved > 0 && t.available < 0 && w !== null) {
      claims.set(w, [...(claims.get(w) ?? []), ...takeOldest(-t.available)]);
    } else if (t.reserved < 0 && t.available > 0 && w !== null) {
      // Returned or failed: back to the lots it came from, up to what came back.
      let left = t.available;
      const held = claims.get(w) ?? [];
      for (const c of held) {
        const part = Math.min(c.amount, left);
        reopen(c.lot, part);
        c.amount -= part;
        left -= part;
      }
      claims.set(
        w,
        held.filter((c) => c.amount > 0),
      );
      settleDebts(t);
    } else if (t.reserved < 0 && w !== null) {
      const gross = -t.reserved;
      // Paid (into withdrawn, less the tax the house keeps: all of it at a 100 % rate); otherwise forfeited with the request.
      const paid = t.kind === 'pay' || t.withdrawn > 0;
      const held = claims.get(w) ?? [];
      let left = gross;
      const spend = (c: Claim) => {
        const part = Math.min(c.amount, left);
        left -= part;
        c.amount -= part;
        if (paid) note(c.lot, { kind: 'paid', at: t.at, txnId: t.id, amount: minor(part), payoutId: w, taxWithheld: t.withdrawn < gross });
        else note(c.lot, { kind: 'forfeit', at: t.at, txnId: t.id, amount: minor(part), from: null });
      };
      for (const c of held) if (left > 0) spend(c);
      // A withdrawal whose reservation this replay did not see (none is known today) pays the oldest open lots.
      if (left > 0) for (const c of takeOldest(left)) spend(c);
      claims.set(
        w,
        held.filter((c) => c.amount > 0),
      );
    } else if (t.available > 0 && t.reserved === 0) {
      addLot(t, t.available);
    } else if (t.available < 0 && t.reserved === 0) {
      takeBack(t, -t.available);
    }
  }
  // Credited but not yet marked paid: what it still holds reserved went to the agent.
  for (const c of credited) {
    for (const claim of claims.get(c.withdrawalId) ?? []) {
      note(claim.lot, { kind: 'paid', at: c.at, txnId: Number.MAX_SAFE_INTEGER, amount: minor(claim.amount), payoutId: c.withdrawalId, taxWithheld: c.taxWithheld });
    }
  }
  return out;
}

/** What the agent's payouts paid of each of their commissions in the currency, by commission id. */
export async function paidAllocation(db: Knex, agentId: number, currency: string): Promise<Map<number, AllocationLine[]>> {
  const [txns, credited] = await Promise.all([moneyTxns(db, agentId, currency), creditedUnpaid(db, agentId, currency)]);
  return allocate(txns, credited);
}
