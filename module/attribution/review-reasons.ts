/**
 * Why a referral waits for review: each client is reviewed once for each. Stored as written (the
 * review queue's rows hold these texts); pages show them through lang keys. A file of its own, so
 * that the assignment service can name the signs without importing the review service, which
 * imports it.
 */
export const REVIEW_REASON = {
  email: 'same e-mail as the agent',
  device: 'same device as the agent',
  payment: 'same payment details as the agent',
} as const;
