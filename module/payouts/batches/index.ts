// Payout batches (issue 15): what is due, batches, their files, paid and failed lines.
import type { HostApi } from '../../contract/host-api';
import { CreditPayouts } from '../credit-payout';
import type { CreditToAccount } from './payout-batch-service';

export { PayoutBatchService, type PayoutBatch, type PayoutLine, type DueGroup, type BatchView, type CreditToAccount } from './payout-batch-service';
export { flatWithholding } from './flat-withholding';
export { payoutBatchAdminActions } from './payout-batch-admin-controller';

/**
 * Credit to account through the host, with the key the payout-methods capability gives a
 * withdrawal's credit (agenttools-payout-<id>), so that whichever path credits it, it is once.
 * The amount is the batch line's: its net after withholding, in the client's currency.
 */
export function creditToAccount(host: Pick<HostApi, 'addCredit'>): CreditToAccount {
  return async (c) => {
    await host.addCredit(c.clientId, c.amount, c.currency, c.description, CreditPayouts.keyOf(c.withdrawalId));
  };
}
