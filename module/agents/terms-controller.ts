import type { HostApi, HostUser } from '../contract/host-api';
import type { Actions } from '../http/action';
import { clientAction } from '../http/paths';
import { parseAmount } from '../money/amount';
import type { ViewHelpers } from '../http/render';
import type { ProgramRule } from '../programs/definition';
import type { Program } from '../programs/program-service';
import type { Agent } from './agent-service';
import { agentForPage, type AgentPageDeps } from './agent-page';

const PAGE = clientAction('terms');

/** One rule of the program as the agent reads it: what it pays on, at what rate, how often. */
export interface TermsRule {
  role: ProgramRule['role'];
  /** Product names, category names, or empty for every product. */
  covers: string[];
  rate: string;
  recurrence: string;
  never: boolean;
}

export interface TermsControllerDeps extends AgentPageDeps {
  host: Pick<HostApi, 'getProduct'>;
}

/** The rate a rule pays this agent, in words; per certification when the rule pays by certification. */
function rateOf(rule: ProgramRule, agent: Agent, program: Program, h: Pick<ViewHelpers, 't' | 'rate' | 'money'>): string {
  const t = h.t;
  const formatRate = (bp: number) => h.rate(bp);
  if (rule.rate_bp !== undefined) return formatRate(rule.rate_bp);
  if (rule.agent_rate && program.def.agent_rate) return formatRate(agent.rateBp ?? program.def.agent_rate.default_bp);
  if (rule.rate_by_certification) {
    return Object.entries(rule.rate_by_certification)
      .map(([cert, bp]) => t('terms.by_certification', { certification: t(`terms.certification.${cert}`), rate: formatRate(bp) }))
      .join(', ');
  }
  if (rule.fixed !== undefined) return h.money(parseAmount(rule.fixed, program.currency), program.currency);
  return '';
}

/**
 * The agent's own terms: program, tier, each rule that applies at their tier with product names
 * (not host ids), the hold, the threshold, the payout schedule and the withholding tax.
 */
export function termsActions(deps: TermsControllerDeps): Actions<HostUser> {
  const { pages, host } = deps;
  return {
    terms: {
      method: 'GET',
      asClient: 'affiliates',
      async run(user, req, res) {
        const me = await agentForPage(deps, user, req, res, 'terms.title');
        if (!me) return;
        const { agent, program } = me;
        const h = pages.helpers(req);
        const rules: TermsRule[] = [];
        for (const rule of program.def.rules) {
          if (rule.tiers.length && !(agent.tier && rule.tiers.includes(agent.tier))) continue;
          const covers: string[] = [];
          for (const id of rule.products) covers.push((await host.getProduct(id))?.name ?? h.t('terms.unknown_product'));
          covers.push(...rule.categories);
          rules.push({
            role: rule.role,
            covers,
            rate: rule.never ? '' : rateOf(rule, agent, program, h),
            recurrence: rule.recurrence === 'months' && rule.months ? h.t('terms.months', { n: rule.months }) : h.t(`links.recurrence.${rule.recurrence}`),
            never: rule.never,
          });
        }
        const tier = agent.tier ? (program.def.tiers.find((x) => x.key === agent.tier)?.name ?? agent.tier) : null;
        const html = await pages.render('client/terms', {
          h,
          program,
          agent,
          tier,
          rules,
          schedule: h.t(program.def.payout.schedule === 'on_request' ? 'payouts.rule.on_request' : `affiliate.schedule.${program.def.payout.schedule}`),
        });
        pages.clientPage(req, res, { titleKey: 'terms.title', href: PAGE, html });
      },
    },
  };
}
