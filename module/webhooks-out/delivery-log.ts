import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, text, stringOrNull } from '../db/columns';
import { messageId } from './webhook-message';

export interface DeliveryAttempt {
  at: number;
  statusCode: number | null;
  error: string | null;
  excerpt: string;
  durationMs: number;
}

export interface DeliveryView {
  id: number;
  messageId: string;
  type: string;
  endpointId: number;
  url: string;
  status: string;
  attempts: DeliveryAttempt[];
  nextAt: number;
  finishedAt: number | null;
}

/** The admin's delivery log: the latest deliveries with every attempt, and a replay by hand. */
export class WebhookDeliveryLog {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async latest(limit = 50): Promise<DeliveryView[]> {
    const rows = asRows(
      await this.db(`${T.webhookDeliveries} as d`)
        .join(`${T.webhookEvents} as e`, 'e.id', 'd.event_id')
        .join(`${T.webhookEndpoints} as p`, 'p.id', 'd.endpoint_id')
        .orderBy('d.id', 'desc')
        .limit(limit)
        .select('d.id', 'd.event_id', 'd.endpoint_id', 'd.status', 'd.next_at', 'd.finished_at', 'e.type', 'p.url'),
    );
    const ids = rows.map((r) => num(r.id));
    const attempts = ids.length ? asRows(await this.db(T.webhookAttempts).whereIn('delivery_id', ids).orderBy('id')) : [];
    return rows.map((r) => ({
      id: num(r.id),
      messageId: messageId(num(r.event_id)),
      type: text(r.type),
      endpointId: num(r.endpoint_id),
      url: text(r.url),
      status: text(r.status),
      nextAt: num(r.next_at),
      finishedAt: numberOrNull(r.finished_at),
      attempts: attempts
        .filter((a) => num(a.delivery_id) === num(r.id))
        .map((a) => ({ at: num(a.at), statusCode: numberOrNull(a.status_code), error: stringOrNull(a.error), excerpt: text(a.excerpt), durationMs: num(a.duration_ms) })),
    }));
  }

  /**
   * Sends a delivery again, with the same webhook-id (the receiver may drop it as a repeat): due
   * now, with a new day of retries. Not while a node holds it for a send.
   */
  async replay(id: number): Promise<void> {
    const now = this.clock.now();
    const changed = await this.db(T.webhookDeliveries).where({ id }).where('claimed_until', '<', now).update({ status: 'pending', next_at: now, window_from: now, finished_at: null });
    if (!changed) throw new RuleError('webhooks.error.delivery_missing', 'id');
  }
}
