import { DateTime } from 'luxon';
import type { ViewHelpers } from '../http/render';
import { minor, parseAmount, roundHalfAwayFromZero } from '../money/amount';
import { currency } from '../money/currencies';
import type { Program } from '../programs/program-service';
import type { ChecklistItem, TierDefinition } from '../programs/definition';
import { checklistItems } from '../programs/tiers-definition';
import { itemMet, type ChecklistState, type ChecklistStore } from './checklist';
import type { TierChange, TierHistory } from './history';

/** What the agent's dashboard and the admin's agent page show about the agent's tier. */
export interface TierPanel {
  tierName: string | null;
  /** "Gold since 1 April: average sales KES 612,000.00 a month, 3 new customers a month" */
  headline: string | null;
  /** A change recorded that waits for its day ("Premier from 1 July"). */
  upcoming: string | null;
  toKeep: string | null;
  toReach: string | null;
  benefits: string[];
  history: { change: TierChange; from: string; to: string; figures: string }[];
  checklist: { item: ChecklistItem; value: string }[];
}

/** The page's helpers a tier panel is written with: the reader's words, money and locale. */
type Helpers = Pick<ViewHelpers, 't' | 'money' | 'locale'>;

/** Builds the tier panel from the history, the checklist and the program's tiers; texts from lang/, in the reader's language. */
export class TierView {
  constructor(
    private readonly history: Pick<TierHistory, 'forAgent'>,
    private readonly checklists: Pick<ChecklistStore, 'of'>,
  ) {}

  async forAgent(agent: { id: number; tier: string | null }, program: Program, h: Helpers): Promise<TierPanel | null> {
    const def = program.def;
    if (!def.tiers.length) return null;
    const [changes, answers] = await Promise.all([this.history.forAgent(agent.id), this.checklists.of(agent.id)]);
    const name = (key: string | null) => def.tiers.find((x) => x.key === key)?.name ?? key ?? '—';
    const index = def.tiers.findIndex((x) => x.key === agent.tier);
    const tier = def.tiers[index];
    const next = index >= 0 ? def.tiers.slice(index + 1).find((x) => x.requirements) : undefined;
    const applied = changes.find((c) => c.appliedAt !== null && c.toTier === agent.tier);
    const upcoming = changes.find((c) => c.appliedAt === null);
    let headline: string | null = null;
    if (tier && applied) {
      headline = h.t('tiers.since', { tier: tier.name, since: day(h, applied.effectiveOn) });
      const decided = figures(h, applied);
      if (decided) headline += `: ${decided}`;
    }
    return {
      tierName: tier?.name ?? null,
      headline,
      upcoming: upcoming ? `${name(upcoming.toTier)}: ${day(h, upcoming.effectiveOn)}` : null,
      toKeep: tier && tier.key !== def.default_tier && tier.requirements ? h.t('tiers.to_keep', { tier: tier.name, requirements: requirements(h, program, tier) }) : null,
      toReach: next ? h.t('tiers.to_reach', { tier: next.name, requirements: requirements(h, program, next, answers) }) : null,
      benefits: tier?.benefits ?? [],
      history: changes.map((change) => ({ change, from: name(change.fromTier), to: name(change.toTier), figures: figures(h, change) ?? '' })),
      checklist: checklistItems(def.tiers).map((item) => ({ item, value: answers.get(item.key) ?? '' })),
    };
  }
}

/** "average sales KES 612,000.00 a month, 3 new customers a month" from a decision's figures. */
function figures(h: Helpers, c: TierChange): string | null {
  const f = c.figures;
  if (!f || f.months < 1) return null;
  const average = minor(Number(roundHalfAwayFromZero(BigInt(f.salesMinor), BigInt(f.months))));
  const customers = Math.round((f.newCustomers * 10) / f.months) / 10;
  return h.t('tiers.figures', { sales: h.money(average, f.currency), n: customers });
}

/** A tier's requirements as a sentence; with answers, only the checklist items not met yet. */
function requirements(h: Helpers, program: Program, tier: TierDefinition, answers?: ChecklistState): string {
  const r = tier.requirements;
  if (!r) return '';
  const parts: string[] = [];
  const cur = currency(program.currency);
  if (r.sales_per_month !== undefined) parts.push(h.t('tiers.req.sales', { amount: h.money(parseAmount(r.sales_per_month, cur), cur) }));
  if (r.new_customers_per_month !== undefined) parts.push(h.t('tiers.req.customers', { n: r.new_customers_per_month }));
  if (r.paid_orders !== undefined) parts.push(h.t('tiers.req.orders', { n: r.paid_orders }));
  for (const item of r.checklist) {
    const value = answers?.get(item.key);
    if (answers && itemMet(item, value)) continue;
    if (item.type === 'level') parts.push(h.t('tiers.req.level', { label: item.label, level: String(item.min) }));
    else if (item.type === 'count') parts.push(h.t('tiers.req.count', { label: item.label, n: String(item.min) }));
    else parts.push(item.label);
  }
  return parts.join(', ');
}

/** A tier's day: "1 April 2026" in English, "1 апреля 2026 г." in Russian. */
function day(h: Helpers, iso: string): string {
  const d = DateTime.fromISO(iso, { locale: h.locale });
  return h.locale === 'en' ? d.toFormat('d LLLL yyyy') : d.toLocaleString(DateTime.DATE_FULL);
}
