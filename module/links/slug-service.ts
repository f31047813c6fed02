import type { Knex } from 'knex';
import { T } from '../db/tables';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { SettingsStore } from '../settings/settings-store';
import type { AgentService } from '../agents/agent-service';
import type { Changes } from '../core/changes';
import { SLUG_APPROVAL_SETTING, slugApproval, vanitySlugText, type SlugApproval } from './vanity-slug';

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
    if (!parsed.success) throw new RuleError(parsed.error.issues[0]?.message ?? parsed.error.message, 'slug');
    const slug = parsed.data;
    const agent = await this.agents.get(agentId);
    if (!agent || agent.status !== 'active') throw new RuleError('Your agent account is not active.', 'slug');
    if (agent.slug === slug) return { slug, status: agent.slugStatus ?? 'pending' };
    const status = (await this.approvalMode()) === 'auto' ? 'approved' : 'pending';
    try {
      await this.db(T.agents).where({ id: agentId }).update({ slug, slug_status: status });
    } catch (e) {
      if (isUniqueViolation(e)) throw new RuleError('This link is taken; choose another.', 'slug');
      throw e;
    }
    this.changes.slug(agent.slug, slug);
    return { slug, status };
  }

  async approve(agentId: number): Promise<void> {
    const agent = await this.agents.get(agentId);
    if (!agent?.slug) throw new RuleError('The agent has not asked for a link.', 'slug');
    // Conditional on the slug the admin saw: an agent's change in between is not approved unseen.
    const n = await this.db(T.agents).where({ id: agentId, slug: agent.slug }).update({ slug_status: 'approved' });
    if (!n) throw new RuleError('The agent changed the link; reload the page.', 'slug');
    this.changes.slug(agent.slug);
  }

  /** Refuses (or withdraws) the agent's slug; the name is free again and the agent may ask anew. */
  async reject(agentId: number): Promise<void> {
    const agent = await this.agents.get(agentId);
    if (!agent?.slug) throw new RuleError('The agent has no link to reject.', 'slug');
    await this.db(T.agents).where({ id: agentId }).update({ slug: null, slug_status: null });
    this.changes.slug(agent.slug);
  }
}
