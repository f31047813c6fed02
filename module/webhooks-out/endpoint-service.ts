import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { OUTBOX_EVENTS, type OutboxEvent } from '../core/outbox';
import { RuleError } from '../core/errors';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, oneOf, text } from '../db/columns';
import { newSecret } from '../events-in';

export interface WebhookEndpoint {
  id: number;
  url: string;
  description: string;
  events: OutboxEvent[];
  createdAt: number;
  disabledAt: number | null;
}

/** Only http(s): a file:, data: or javascript: address is nothing a webhook can be sent to. */
export function isWebUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

/** The admin's webhook endpoints; a new one's secret is shown once, at creation. */
export class WebhookEndpointService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async create(input: { url: string; description: string; events: readonly OutboxEvent[] }): Promise<WebhookEndpoint & { secret: string }> {
    if (!isWebUrl(input.url)) throw new RuleError('webhooks.error.url', 'url');
    if (!input.events.length) throw new RuleError('webhooks.error.events', 'events');
    const secret = newSecret();
    const createdAt = this.clock.now();
    const row = { url: input.url, description: input.description, events: input.events.join(','), secret, created_at: createdAt, disabled_at: null };
    const [id] = await this.db(T.webhookEndpoints).insert(row);
    return { id: num(id), url: input.url, description: input.description, events: [...input.events], createdAt, disabledAt: null, secret };
  }

  async list(): Promise<WebhookEndpoint[]> {
    const rows = asRows(await this.db(T.webhookEndpoints).orderBy('id').select('id', 'url', 'description', 'events', 'created_at', 'disabled_at'));
    return rows.map((r) => ({
      id: num(r.id),
      url: text(r.url),
      description: text(r.description),
      events: text(r.events)
        .split(',')
        .filter((e) => e)
        .map((e) => oneOf(OUTBOX_EVENTS, e)),
      createdAt: num(r.created_at),
      disabledAt: numberOrNull(r.disabled_at),
    }));
  }

  /** No new deliveries for it; those already due are still sent. */
  async disable(id: number): Promise<void> {
    const changed = await this.db(T.webhookEndpoints).where({ id }).whereNull('disabled_at').update({ disabled_at: this.clock.now() });
    if (!changed) throw new RuleError('webhooks.error.endpoint_missing', 'id');
  }
}
