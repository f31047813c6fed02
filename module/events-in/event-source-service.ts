import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import { RuleError, isUniqueViolation } from '../core/errors';
import { T } from '../db/tables';
import { asRows, num, numberOrNull, text } from '../db/columns';
import { newSecret } from './signature';

export interface EventSource {
  id: number;
  name: string;
  createdAt: number;
  revokedAt: number | null;
}

/** A source that may sign events now, with the secret its signatures are checked against. */
export interface SigningSource {
  id: number;
  name: string;
  secret: string;
}

/** How long a node keeps the list of signing sources: a revoke on another node is felt within it. */
const CACHE_MS = 10_000;

/**
 * The billing systems that send events, each with its own secret: created by an admin, the secret
 * shown once at creation and never again; a revoked source's events are refused.
 */
export class EventSourceService {
  private cached: { at: number; sources: Promise<SigningSource[]> } | null = null;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  /** A new source; the answer is the only time its secret is shown. */
  async create(name: string): Promise<SigningSource> {
    const secret = newSecret();
    try {
      const [id] = await this.db(T.eventSources).insert({ name, secret, created_at: this.clock.now(), revoked_at: null });
      this.cached = null;
      return { id: num(id), name, secret };
    } catch (e) {
      if (isUniqueViolation(e)) throw new RuleError('event_sources.error.name_taken', 'name', {}, { cause: e });
      throw e;
    }
  }

  async list(): Promise<EventSource[]> {
    const rows = asRows(await this.db(T.eventSources).orderBy('id').select('id', 'name', 'created_at', 'revoked_at'));
    return rows.map((r) => ({ id: num(r.id), name: text(r.name), createdAt: num(r.created_at), revokedAt: numberOrNull(r.revoked_at) }));
  }

  /** From now on its signatures are refused (on other nodes within CACHE_MS). */
  async revoke(id: number): Promise<void> {
    const changed = await this.db(T.eventSources).where({ id }).whereNull('revoked_at').update({ revoked_at: this.clock.now() });
    this.cached = null;
    if (!changed) throw new RuleError('event_sources.error.missing');
  }

  /** The sources whose signatures are accepted, read at most every CACHE_MS. */
  signing(): Promise<SigningSource[]> {
    const now = this.clock.now();
    if (!this.cached || now - this.cached.at >= CACHE_MS) {
      const sources = this.load();
      this.cached = { at: now, sources };
      sources.catch(() => (this.cached = null));
    }
    return this.cached.sources;
  }

  private async load(): Promise<SigningSource[]> {
    const rows = asRows(await this.db(T.eventSources).whereNull('revoked_at').select('id', 'name', 'secret'));
    return rows.map((r) => ({ id: num(r.id), name: text(r.name), secret: text(r.secret) }));
  }
}
