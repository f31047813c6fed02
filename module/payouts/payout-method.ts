/**
 * How an agent is paid: the kinds a program may allow, and the details each kind needs. The
 * details of bank and phone kinds are stored encrypted; code outside module/payouts sees them
 * only through these types (decrypted, for a batch file) or masked (for a page).
 */
export { PAYOUT_METHOD_KINDS, type PayoutMethodKind } from '../programs/payout-definition';

export type PayoutDetails =
  | { kind: 'bank'; holder: string; iban: string | null; accountNumber: string | null; bankCode: string | null }
  /** A Kenyan mobile number in E.164, e.g. +254712345678. */
  | { kind: 'mpesa'; phone: string }
  | { kind: 'paypal'; email: string }
  /** Credit to the agent's own client account in the billing platform (WHMCS AddCredit). */
  | { kind: 'credit' };

/** What batches read: the agent's current method, decrypted; null when none is recorded. */
export interface PayoutMethodReader {
  forAgent(agentId: number): Promise<PayoutDetails | null>;
}
