import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { errorMessage } from '../core/errors';
import { T } from '../db/tables';
import { asRow, asRows, json, num, text } from '../db/columns';
import { inTransaction } from '../db/transaction';
import { RETRY_WINDOW_MS, backoffMs } from './backoff';
import { webhookMessage } from './webhook-message';

export interface DispatcherOptions {
  /** How long an endpoint has to answer (default 10 s). */
  timeoutMs?: number;
  /** Deliveries claimed and sent at once by one pass (default 10). */
  batch?: number;
  /** For the jitter of the backoff; a test makes it fixed. */
  random?: () => number;
}

/** What one attempt came to, as the delivery log keeps it. */
interface Outcome {
  statusCode: number | null;
  error: string | null;
  excerpt: string;
  durationMs: number;
}

export interface DispatchTally {
  attempted: number;
  delivered: number;
  failed: number;
}

/**
 * Sends due deliveries, signed; a failure is retried with backoff for a day, then marked failed.
 * A delivery is claimed (an UPDATE … WHERE claimed_until < now, one winner) before it is sent, so
 * that two nodes, or the timer and the cron on one, never send it at once.
 */
export class WebhookDispatcher {
  private readonly timeoutMs: number;
  private readonly batch: number;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly logger: Logger,
    options: DispatcherOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.batch = options.batch ?? 10;
    this.random = options.random ?? Math.random;
  }

  /** Every delivery due now, batch after batch, until none is left. */
  async runDue(): Promise<DispatchTally> {
    const tally: DispatchTally = { attempted: 0, delivered: 0, failed: 0 };
    for (;;) {
      const claimed = await this.claim();
      if (!claimed.length) return tally;
      const results = await Promise.all(claimed.map(({ id, token }) => this.deliver(id, token)));
      for (const r of results) {
        tally.attempted++;
        if (r === 'delivered') tally.delivered++;
        if (r === 'failed') tally.failed++;
      }
    }
  }

  /** A pass every intervalMs, never two at once on this node; stop() ends it. */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.pass(), intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a pass under way, so that a graceful stop sends nothing half. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private pass(): void {
    if (this.running) return;
    this.running = this.runDue()
      .then(
        () => undefined,
        (e: unknown) => this.logger.warn('webhook deliveries could not be sent', { error: errorMessage(e) }),
      )
      .finally(() => (this.running = null));
  }

  private async claim(): Promise<{ id: number; token: string }[]> {
    const now = this.clock.now();
    const due = asRows(await this.db(T.webhookDeliveries).where('status', 'pending').where('next_at', '<=', now).where('claimed_until', '<', now).orderBy('next_at').limit(this.batch).select('id'));
    const token = crypto.randomUUID();
    // Long enough for a send and its record; a node that died with a claim lets it go after this.
    const until = now + this.timeoutMs * 3 + 60_000;
    const won: { id: number; token: string }[] = [];
    for (const row of due) {
      const id = num(row.id);
      const changed = await this.db(T.webhookDeliveries).where({ id, status: 'pending' }).where('claimed_until', '<', now).update({ claimed_until: until, claim: token });
      if (changed) won.push({ id, token });
    }
    return won;
  }

  private async deliver(id: number, token: string): Promise<'delivered' | 'retry' | 'failed'> {
    const row = asRow(
      await this.db(`${T.webhookDeliveries} as d`)
        .join(`${T.webhookEvents} as e`, 'e.id', 'd.event_id')
        .join(`${T.webhookEndpoints} as p`, 'p.id', 'd.endpoint_id')
        .where('d.id', id)
        .first('d.attempts', 'd.window_from', 'e.id as event_id', 'e.type', 'e.payload', 'e.created_at', 'p.url', 'p.secret'),
    );
    const message = webhookMessage({ id: num(row.event_id), type: text(row.type), payload: json(row.payload), createdAt: num(row.created_at) }, text(row.secret), this.clock.now());
    const outcome = await this.send(text(row.url), message.body, message.headers);
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    const attempts = num(row.attempts) + 1;
    const now = this.clock.now();
    const next = now + backoffMs(attempts, this.random);
    const verdict = ok ? 'delivered' : next > num(row.window_from) + RETRY_WINDOW_MS ? 'failed' : 'retry';
    await inTransaction(this.db, async (trx) => {
      await trx(T.webhookAttempts).insert({ delivery_id: id, at: now, status_code: outcome.statusCode, error: outcome.error, excerpt: outcome.excerpt, duration_ms: outcome.durationMs });
      const done = verdict === 'retry' ? { status: 'pending', next_at: next } : { status: verdict, finished_at: now };
      await trx(T.webhookDeliveries)
        .where({ id, claim: token })
        .update({ ...done, attempts, claimed_until: 0, claim: null });
    });
    if (verdict === 'failed') this.logger.warn('a webhook delivery failed for a day and is given up', { delivery: id, url: text(row.url) });
    return verdict;
  }

  private async send(url: string, body: string, headers: Record<string, string>): Promise<Outcome> {
    const started = performance.now();
    const took = () => Math.round(performance.now() - started);
    try {
      const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(this.timeoutMs) });
      const excerpt = (await res.text()).slice(0, 500);
      return { statusCode: res.status, error: null, excerpt, durationMs: took() };
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
      const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
      return { statusCode: null, error: timedOut ? `no answer within ${this.timeoutMs} ms` : `${errorMessage(e)}${cause}`.slice(0, 200), excerpt: '', durationMs: took() };
    }
  }
}
