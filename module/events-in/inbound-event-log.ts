import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { isUniqueViolation } from '../core/errors';
import { T } from '../db/tables';
import { num, oneOf, rowOrNull, stringOrNull } from '../db/columns';

/**
 * A claim left 'processing' this long is taken to be a node that died mid-work; the next delivery
 * takes it over. Longer than any handler runs (a transaction that waited out its lock gave up long before).
 */
export const STALE_CLAIM_MS = 10 * 60_000;

export type Claim = { kind: 'claimed'; id: number } | { kind: 'done'; answer: string | null } | { kind: 'in progress' };

/**
 * Every event a source sent, by its webhook-id. A delivery claims its id with an insert before
 * doing any work: the unique key (source, id) lets exactly one of two deliveries at once, on one
 * node or two, through. The claim ends done, with the answer a repeat gets, or is deleted when
 * the work failed, so that the sender's retry does it again.
 */
export class InboundEventLog {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async claim(sourceId: number, eventId: string, event: string): Promise<Claim> {
    const now = this.clock.now();
    try {
      const [id] = await this.db(T.inboundEvents).insert({ source_id: sourceId, event_id: eventId, event, status: 'processing', received_at: now, finished_at: null, answer: null });
      return { kind: 'claimed', id: num(id) };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const row = rowOrNull(await this.db(T.inboundEvents).where({ source_id: sourceId, event_id: eventId }).first('id', 'status', 'received_at', 'answer'));
    // Deleted between the insert and this read: its work failed and it is free again.
    if (!row) return this.claim(sourceId, eventId, event);
    if (oneOf(['processing', 'done'], row.status) === 'done') return { kind: 'done', answer: stringOrNull(row.answer) };
    const claimedAt = num(row.received_at);
    if (now - claimedAt < STALE_CLAIM_MS) return { kind: 'in progress' };
    // Taken over only by the one delivery whose update still finds the claim as it read it.
    const id = num(row.id);
    const taken = await this.db(T.inboundEvents).where({ id, status: 'processing', received_at: claimedAt }).update({ received_at: now });
    return taken ? { kind: 'claimed', id } : { kind: 'in progress' };
  }

  async finish(id: number, answer: string | null): Promise<void> {
    await this.db(T.inboundEvents).where({ id, status: 'processing' }).update({ status: 'done', finished_at: this.clock.now(), answer });
  }

  /** The work failed: the id is free for the sender's retry. */
  async release(id: number): Promise<void> {
    await this.db(T.inboundEvents).where({ id, status: 'processing' }).delete();
  }

  /** How many events of a source were done: for the admin's list and the tests. */
  async countDone(sourceId: number): Promise<number> {
    const row = rowOrNull(await this.db(T.inboundEvents).where({ source_id: sourceId, status: 'done' }).count({ n: '*' }).first());
    return row ? num(row.n) : 0;
  }
}
