import type { Knex } from 'knex';
import { T } from '../db/tables';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { SettingsStore } from '../settings/settings-store';
import type { AgentService } from '../agents/agent-service';
import type { Changes } from '../core/changes';
import { SLUG_APPROVAL_SETTING, slugApproval, vanitySlugText, type SlugApproval } from './vanity-slug';

/** The lang key of each of vanitySlugText's messages (its tests read them as written, in English). */
const SLUG_REFUSALS: Readonly<Record<string, string>> = {
  'At least 3 characters.': 'links.error.slug_short',
  'At most 32 characters.': 'links.error.slug_long',
  'Only letters a–z, digits and -.': 'links.error.slug_chars',
  'Start and end with a letter or a digit.': 'links.error.slug_ends',
  'This word is reserved; choose another.': 'links.error.slug_reserved',
};
/**
 * Vanity slugs: an agent asks for one, the `slug_approval` setting decides whether it works at
 * once or waits for an admin. One slug per agent; asking again replaces it (the old one stops
 * working). The unique index, not a check here, is what stops two agents taking the same slug.
 */
export class SlugService {
  constructor(
    private readonly db: Knex,
    private readonly settings: SettingsStore,
    private readonly agents: AgentService,
    private readonly changes: Changes,
  ) {}

  async approvalMode(): Promise<SlugApproval> {
    return slugApproval.parse(await this.settings.get(SLUG_APPROVAL_SETTING));
  }

  /** The agent's own request; returns the slug and whether it is live yet. */
  async request(agentId: number, raw: string): Promise<{ slug: string; status: 'pending' | 'approved' }> {
    const parsed = vanitySlugText.safeParse(raw);
    if (!parsed.success) {
      const said = parsed.error.issues[0]?.message ?? parsed.error.message;
      throw new RuleError(SLUG_REFUSALS[said] ?? said, 'slug');
    }
    const slug = parsed.data;
    const agent = await this.agents.get(agentId);
    if (!agent || agent.status !== 'active') throw new RuleError('links.error.not_active', 'slug');
    if (agent.slug === slug) return { slug, status: agent.slugStatus ?? 'pending' };
    const status = (await this.approvalMode()) === 'auto' ? 'approved' : 'pending';
    try {
      await this.db(T.agents).where({ id: agentId }).update({ slug, slug_status: status });
    } catch (e) {
      if (isUniqueViolation(e)) throw new RuleError('links.error.taken', 'slug');
      throw e;
    }
    this.changes.slug(agent.slug, slug);
    return { slug, status };
  }

  async approve(agentId: number): Promise<void> {
    const agent = await this.agents.get(agentId);
    if (!agent?.slug) throw new RuleError('links.error.not_asked', 'slug');
    // Conditional on the slug the admin saw: an agent's change in between is not approved unseen.
    const n = await this.db(T.agents).where({ id: agentId, slug: agent.slug }).update({ slug_status: 'approved' });
    if (!n) throw new RuleError('links.error.changed', 'slug');
    this.changes.slug(agent.slug);
  }

  /** Refuses (or withdraws) the agent's slug; the name is free again and the agent may ask anew. */
  async reject(agentId: number): Promise<void> {
    const agent = await this.agents.get(agentId);
    if (!agent?.slug) throw new RuleError('links.error.nothing_to_reject', 'slug');
    await this.db(T.agents).where({ id: agentId }).update({ slug: null, slug_status: null });
    this.changes.slug(agent.slug);
  }
}
