// What other capabilities use of withdrawals besides its services: when the next scheduled payout falls.
export { nextPayoutDay, payoutDue } from './payout-schedule';
