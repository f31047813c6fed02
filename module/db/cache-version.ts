import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Changes } from '../core/changes';
import { T } from './tables';
import { numberOrNull, rowOrNull } from './columns';

/** The one row every node's caches watch. */
const ROW = 'caches';

/**
 * A version number in the database that any node raises when it changes what the caches hold
 * (an agent, a program, a slug). Each node reads it at most once per interval (a second by its
 * clock) and, when it moved, its caches start over: another node's change is seen within that
 * second, with one small query a second per node rather than one per click.
 */
export class CacheVersion {
  private seen: number | null = null;
  private readAt = -Infinity;
  private reading: Promise<number | null> | null = null;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly intervalMs = 1000,
  ) {}

  /** The version as last read, read again when the interval has passed; null before the table exists. */
  current(): Promise<number | null> {
    if (this.clock.now() - this.readAt < this.intervalMs) return Promise.resolve(this.seen);
    this.reading ??= this.read().finally(() => (this.reading = null));
    return this.reading;
  }

  /** Tells every node's caches that something they hold changed (after the change committed). */
  async bump(): Promise<void> {
    await this.db(T.cacheVersions).where({ name: ROW }).increment('version', 1);
    this.readAt = -Infinity;
  }

  private async read(): Promise<number | null> {
    try {
      this.seen = numberOrNull(rowOrNull(await this.db(T.cacheVersions).where({ name: ROW }).first('version'))?.version);
    } catch {
      // Before migration 017, or the database away for a moment: the caches keep their TTL.
    }
    this.readAt = this.clock.now();
    return this.seen;
  }
}

const versions = new WeakMap<Knex, CacheVersion>();

/** The version of this connection pool's database: one per pool, shared by all of its caches. */
export function cacheVersionOf(db: Knex, clock: Clock): CacheVersion {
  let v = versions.get(db);
  if (!v) {
    v = new CacheVersion(db, clock);
    versions.set(db, v);
  }
  return v;
}

/** Every change published on this node raises the version, for the other nodes' caches. */
export function announceChanges(changes: Changes, version: CacheVersion, onError: (e: unknown) => void): void {
  const bump = () => void version.bump().catch(onError);
  changes.on('agent', bump);
  changes.on('program', bump);
  changes.on('slug', bump);
}
