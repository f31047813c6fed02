import type { Knex } from 'knex';
import { T } from '../db/tables';
import { SLUG_PATTERN } from './vanity-slug';

/**
 * Which agent an approved vanity slug names, kept in memory so that /go/<slug> costs no query, the
 * way AgentLinkCache does for /aff.php. Unknown slugs are remembered too (as null), so a flood of
 * made-up slugs cannot reach the database; and what could never be a slug is refused unread.
 * Entries live for `ttlMs`; an approval or change made on this node drops them at once.
 */
export class SlugCache {
  private readonly entries = new Map<string, { agentId: number | null; expires: number }>();

  constructor(
    private readonly db: Knex,
    private readonly ttlMs = 30_000,
    private readonly maxEntries = 100_000,
  ) {}

  async lookup(slug: string, now = Date.now()): Promise<number | null> {
    if (!SLUG_PATTERN.test(slug)) return null;
    const hit = this.entries.get(slug);
    if (hit && hit.expires > now) return hit.agentId;
    const row = await this.db(T.agents).where({ slug, slug_status: 'approved' }).first('id');
    const agentId = row ? Number(row.id) : null;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(slug, { agentId, expires: now + this.ttlMs });
    return agentId;
  }

  invalidate(...slugs: (string | null)[]): void {
    for (const s of slugs) if (s) this.entries.delete(s);
  }
}
