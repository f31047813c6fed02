import type { Knex } from 'knex';

/** What happened, as told to the admin's webhook endpoints (docs/webhooks.md). */
export const OUTBOX_EVENTS = ['referral.created', 'commission.created', 'commission.available', 'commission.reversed', 'payout.paid', 'agent.tier_changed', 'agent.blocked'] as const;

export type OutboxEvent = (typeof OUTBOX_EVENTS)[number];

/**
 * Where a capability records an event for the outside world, in the transaction of the change
 * that causes it: the change and its event are committed together or not at all. Declared here,
 * in the kernel, so that each capability can take one without knowing who delivers it; the
 * composition root hands them module/webhooks-out's.
 */
export interface Outbox {
  add(trx: Knex.Transaction, type: OutboxEvent, payload: Record<string, string | number | boolean | null>): Promise<void>;
}

/** For a service built without webhooks (a test, a tool): records nothing. */
export const noOutbox: Outbox = { add: () => Promise.resolve() };
