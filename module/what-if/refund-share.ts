import { minor, share, type Minor } from '../money/amount';

/** A refund of the invoice as stored: how much, and of which lines (null: spread over the whole invoice). */
export interface ReplayRefund {
  amount: Minor;
  lineIds: number[] | null;
}

/**
 * What the invoice's refunds would take back from one commission of `amount` on line `lineId`:
 * the same rule take-back.ts applies to a recorded one (a refund of named lines takes its share of
 * them; spread refunds their running share of the invoice; refunds adding up to the invoice take
 * everything), worked out without a database so the replay can apply it to amounts never written.
 */
export function refundedOf(amount: Minor, lineId: number, lines: { id: number; amount_minor: number }[], invoiceTotal: Minor, refunds: ReplayRefund[]): Minor {
  let adjusted = 0;
  let every = 0;
  let spread = 0;
  for (const r of refunds) {
    every += r.amount;
    if (r.lineIds === null) spread += r.amount;
    const covered = r.lineIds;
    if (covered !== null && !covered.includes(lineId)) continue;
    const base = (covered === null ? lines : lines.filter((l) => covered.includes(l.id))).reduce((sum, l) => sum + l.amount_minor, 0);
    if (base <= 0) continue;
    const remaining = amount - adjusted;
    const due = every >= invoiceTotal ? remaining : covered ? share(amount, r.amount, minor(base)) : share(amount, minor(Math.min(spread, invoiceTotal)), invoiceTotal) - adjusted;
    adjusted += Math.max(0, Math.min(due, remaining));
  }
  return minor(adjusted);
}
