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
}

/**
 * Clicks are buffered in memory and written in batches, so that the redirect never waits for
 * the database. A graceful stop flushes what is left; a crash loses at most one interval's clicks.
 * A failed write is kept and retried on the next flush.
 */
export class ClickRecorder {
  private buffer: Click[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Knex,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
    private readonly batchSize = 500,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  record(click: Click): void {
    this.buffer.push(click);
    if (this.buffer.length >= this.batchSize * 4) void this.flush();
  }

  pending(): number {
    return this.buffer.length;
  }

  /** Writes everything buffered so far; concurrent calls queue behind each other. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeAll());
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async writeAll(): Promise<void> {
    while (this.buffer.length) {
      const batch = this.buffer.splice(0, this.batchSize);
      try {
        await this.db(T.clicks).insert(batch);
      } catch (e) {
        this.buffer.unshift(...batch);
        this.logger.error('click batch not written, will retry', { error: String(e), clicks: batch.length });
        return;
      }
    }
  }
}
