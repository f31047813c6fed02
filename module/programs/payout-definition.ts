/** The ways an agent can be paid, which a program's `payout.methods` chooses from (module/payouts). */
export const PAYOUT_METHOD_KINDS = ['bank', 'mpesa', 'paypal', 'credit'] as const;
export type PayoutMethodKind = (typeof PAYOUT_METHOD_KINDS)[number];
