// What other capabilities use of agents besides the agent service: how a referral code is read,
// and taking back a paid order from an agent's count.
export { referralCodeText } from './referral-code';
export { uncountPaidOrders } from './paid-orders';
