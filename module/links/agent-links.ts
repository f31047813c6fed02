import type { HostApi } from '../contract/host-api';
import type { Agent } from '../agents/agent-service';
import type { Program } from '../programs/program-service';
import type { ProgramRule } from '../programs/definition';
import { parseAmount } from '../money/amount';
import type { ViewHelpers } from '../http/render';
import { CODE_LINK, REFERRAL_LINK } from '../http/paths';

export interface ProductLink {
  productId: number;
  name: string;
  /** The rule's rate as the agent reads it: "35 %", or a fixed "RUB 500.00". */
  rate: string;
  recurrence: ProgramRule['recurrence'];
  link: string;
}

export interface AgentLinks {
  /** /r/<referral code>: every agent's short link, working from the day they join. */
  canonicalLink: string | null;
  /** /go/<slug> once it works; null while there is none or it waits for an admin. */
  shortLink: string | null;
  slug: string | null;
  slugStatus: 'pending' | 'approved' | null;
  referralCode: string | null;
  products: ProductLink[];
  /** The program multiplies rates by level (paid orders): the rates shown are before that. */
  levelsApply: boolean;
}

/** The page's helpers a rate is written with: the reader's percent and money. */
type Helpers = Pick<ViewHelpers, 'rate' | 'money'>;

/** The rate a sales rule pays this agent, in the reader's words; null for rules that pay no sales rate. */
function rateText(rule: ProgramRule, agent: Agent, program: Program, h: Helpers): string | null {
  if (rule.rate_bp !== undefined) return h.rate(rule.rate_bp);
  if (rule.agent_rate && program.def.agent_rate) return h.rate(agent.rateBp ?? program.def.agent_rate.default_bp);
  if (rule.fixed !== undefined) return h.money(parseAmount(rule.fixed, program.currency), program.currency);
  return null;
}

/**
 * What the agent's page offers to share: the short link by referral code, the vanity link, the
 * referral code, and a deep link per
 * product the program pays a product rate for (Cloudlessons), landing on the site's product list
 * with the product named (`/?pid=`) — a same-site path, so the deep-link check lets it through.
 */
export async function agentLinks(host: Pick<HostApi, 'siteUrl' | 'getProduct'>, agent: Agent, program: Program, h: Helpers): Promise<AgentLinks> {
  const site = host.siteUrl();
  const products: ProductLink[] = [];
  for (const rule of program.def.rules) {
    if (rule.role !== 'sales' || rule.never || !rule.products.length) continue;
    if (rule.tiers.length && !(agent.tier && rule.tiers.includes(agent.tier))) continue;
    const rate = rateText(rule, agent, program, h);
    if (!rate) continue;
    for (const productId of rule.products) {
      const product = await host.getProduct(productId);
      products.push({
        productId,
        name: product?.name ?? `#${productId}`,
        rate,
        recurrence: rule.recurrence,
        link: `${site}${REFERRAL_LINK}?aff=${agent.id}&to=${encodeURIComponent(`/?pid=${productId}`)}`,
      });
    }
  }
  return {
    canonicalLink: agent.referralCode ? `${site}${CODE_LINK}${agent.referralCode}` : null,
    shortLink: agent.slug && agent.slugStatus === 'approved' ? `${site}/go/${agent.slug}` : null,
    slug: agent.slug,
    slugStatus: agent.slugStatus,
    referralCode: agent.referralCode,
    products,
    levelsApply: program.def.levels.length > 0,
  };
}
