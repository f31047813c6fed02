import type { Knex } from 'knex';
import { SLUG_PATTERN } from './vanity-slug';
import { AgentKeyCache } from './agent-key-cache';

/** Which agent an approved vanity slug names, for /go/<slug>; the slug service drops a slug it changes. */
export class SlugCache extends AgentKeyCache {
  constructor(db: Knex, ttlMs = 30_000, maxEntries = 100_000) {
    super(db, 'slug', (slug) => (SLUG_PATTERN.test(slug) ? slug : null), { slug_status: 'approved' }, ttlMs, maxEntries);
  }
}
