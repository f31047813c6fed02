import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Logger } from '../core/logger';

export interface Click {
  agent_id: number;
  uid: string;
  created_at: number;
  ip: string;
  user_agent: string;
  referer: string;
  /** The link's `src=`; the column's default, Default, when absent. */
  source?: string;
}

/**
 * Clicks are buffered in memory and written in batches, so that the redirect never waits for
 * the database. A graceful stop flushes what is left; a crash loses at most one interval's clicks.
 * A failed write keeps its clicks and is retried on the next tick, not on every click, so that a
 * database outage under traffic costs one failing insert per interval; past `maxBuffered` clicks
 * (an outage of many minutes) new clicks are counted as dropped and logged rather than kept.
 */
export class ClickRecorder {
  private buffer: Click[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failing = false;
  /** Work done in the same transaction as each batch's insert: the daily roll-ups' click counts. */
  private written: ((trx: Knex.Transaction, batch: readonly Click[]) => Promise<void>) | null = null;
  dropped = 0;

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
    private readonly batchSize = 500,
    private readonly maxBuffered = 500_000,
  ) {}

  /** Runs `work` in each batch's transaction, so that the batch and what it adds up commit together. */
  onWrite(work: (trx: Knex.Transaction, batch: readonly Click[]) => Promise<void>): void {
    this.written = work;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.failing = false;
      this.flushInBackground();
    }, this.intervalMs);
    this.timer.unref();
  }

  record(click: Click): void {
    if (this.buffer.length >= this.maxBuffered) {
      if (this.dropped++ % 10_000 === 0) this.logger.error('click buffer full: the database has not taken clicks for a while', { dropped: this.dropped });
      return;
    }
    this.buffer.push(click);
    if (this.buffer.length >= this.batchSize * 4 && !this.running && !this.failing) this.flushInBackground();
  }

  pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; a call during a write waits for it and then writes the rest. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.writeAll().finally(() => {
      this.running = null;
    });
    await this.running;
  }

  /** A write nobody awaits: a failed batch is kept and logged by writeAll, anything else is logged here. */
  private flushInBackground(): void {
    this.flush().catch((e: unknown) => this.logger.error('click flush failed', { error: String(e) }));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.failing = false;
    await this.flush();
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, this.batchSize);
      try {
        const written = this.written;
        if (written)
          await this.db.transaction(async (trx) => {
            await trx(T.clicks).insert(batch);
            await written(trx, batch);
          });
        else await this.db(T.clicks).insert(batch);
      } catch (e) {
        this.buffer.unshift(...batch);
        this.failing = true;
        this.logger.error('click batch not written, will retry', { error: String(e), clicks: this.buffer.length });
        return;
      }
      // SQLite writes on this thread: let waiting requests in between batches, so a large flush
      // is several short pauses of the redirect rather than one long one.
      if (this.buffer.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
