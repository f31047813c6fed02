import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Outbox, OutboxEvent } from '../core/outbox';
import { T } from '../db/tables';
import { asRows, num, text } from '../db/columns';

/**
 * The outbox: an event and one delivery per endpoint that takes it, written in the caller's
 * transaction, so that a change rolled back leaves no event and a change committed cannot lose
 * its event to a crash. The dispatcher sends them after the commit.
 */
export class WebhookOutbox implements Outbox {
  constructor(private readonly clock: Clock) {}

  async add(trx: Knex.Transaction, type: OutboxEvent, payload: Record<string, string | number | boolean | null>): Promise<void> {
    const now = this.clock.now();
    const endpoints = asRows(await trx(T.webhookEndpoints).whereNull('disabled_at').select('id', 'events'));
    const takers = endpoints.filter((e) => text(e.events).split(',').includes(type));
    // With no endpoint taking it there is nobody to tell: the hot paths (InvoicePaid) write nothing more.
    if (!takers.length) return;
    const [eventId] = await trx(T.webhookEvents).insert({ type, payload: JSON.stringify(payload), created_at: now });
    if (eventId === undefined) throw new Error('the webhook event was inserted, but the database gave back no id for it');
    await trx(T.webhookDeliveries).insert(
      takers.map((e) => ({ event_id: eventId, endpoint_id: num(e.id), status: 'pending', attempts: 0, next_at: now, window_from: now, claimed_until: 0, claim: null, finished_at: null })),
    );
  }
}
