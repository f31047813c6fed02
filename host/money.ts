import { formatAmount, minor } from '../module/money/amount';
import { currency } from '../module/money/currencies';

// The platform shows money as the module does: one formatter, one ISO 4217 exponent table.
export function showMoney(amountMinor: number, cur: string): string {
  return formatAmount(minor(amountMinor), currency(cur));
}
