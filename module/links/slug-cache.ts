import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { CacheLimits } from '../core/loading-cache';
import type { Changes } from '../core/changes';
import { SLUG_PATTERN } from './vanity-slug';
import { AgentKeyCache } from './agent-key-cache';

/** Which agent an approved vanity slug names, for /go/<slug>; a slug the slug service changes is dropped. */
export class SlugCache extends AgentKeyCache {
  constructor(db: Knex, changes: Changes, clock: Clock, limits: CacheLimits = {}) {
    super(db, clock, 'slug', (slug) => (SLUG_PATTERN.test(slug) ? slug : null), { slug_status: 'approved' }, limits);
    changes.on('slug', (slug) => this.forget(slug));
  }
}
