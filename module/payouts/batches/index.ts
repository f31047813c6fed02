// Payout batches (issue 15): what is due, batches, their files, paid and failed lines.
import type { CreditPayouts } from '../credit-payout';
import type { CreditToAccount } from './payout-batch-service';

export { PayoutBatchService, type PayoutBatch, type PayoutLine, type DueGroup, type BatchView, type CreditToAccount } from './payout-batch-service';
export { flatWithholding } from './flat-withholding';
export { payoutBatchAdminActions } from './payout-batch-admin-controller';

/**
 * Credit to account through the payout-methods capability's one crediting path (the module's
 * record, then the host under the withdrawal's key), so that whichever path credits a withdrawal,
 * it is credited once. The amount is the batch line's: its net after withholding, in the client's
 * currency.
 */
export function creditToAccount(credits: Pick<CreditPayouts, 'credit'>): CreditToAccount {
  return async (c) => {
    await credits.credit(c);
  };
}
