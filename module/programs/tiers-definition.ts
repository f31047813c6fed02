import { z } from 'zod';

/**
 * What a tier asks of an agent and gives them, and when the program evaluates its agents (issue
 * #11 §2–3). Tiers are listed lowest first: evaluation places an agent at the highest tier whose
 * requirements they all meet, the default tier being the floor.
 */
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _');
const DECIMAL = /^\d{1,15}(\.\d+)?$/;
const decimal = z.string().regex(DECIMAL, 'a non-negative amount such as 50.00');

/**
 * An item an admin ticks or enters per agent. check: done or not; count: a number that must reach
 * `min` (sales certifications); level: one of `levels` that must reach `min` (technical certification).
 * The same key in several tiers is one fact about the agent, so its type and levels must agree.
 */
const checklistItem = z
  .object({
    key,
    label: z.string().min(1).max(200),
    type: z.enum(['check', 'count', 'level']).default('check'),
    min: z.union([z.number().int().min(1).max(1000), key]).optional(),
    levels: z.array(key).default([]),
  })
  .strict()
  .superRefine((c, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.type === 'check' && (c.min !== undefined || c.levels.length)) fail('min', 'a check item has no min or levels');
    if (c.type === 'count' && typeof c.min !== 'number') fail('min', 'a count item needs a whole number min ≥ 1');
    if (c.type === 'count' && c.levels.length) fail('levels', 'only a level item has levels');
    if (c.type === 'level' && c.levels.length < 2) fail('levels', 'a level item needs at least two levels, lowest first');
    if (c.type === 'level' && (typeof c.min !== 'string' || !c.levels.includes(c.min))) fail('min', "one of the item's levels");
    if (new Set(c.levels).size !== c.levels.length) fail('levels', 'duplicate level');
  });

export const tierRequirements = z
  .object({
    /** Paid sales in the program currency per month, averaged over the evaluation period (≥). */
    sales_per_month: decimal.optional(),
    /** New paying customers per month, averaged over the evaluation period (≥). */
    new_customers_per_month: z.number().int().min(0).max(1_000_000).optional(),
    /** Paid orders in all (≥), counted up to the period's end. */
    paid_orders: z.number().int().min(0).max(100_000_000).optional(),
    checklist: z.array(checklistItem).default([]),
  })
  .strict();

export const tierDefinition = z
  .object({
    key,
    name: z.string().min(1),
    target_bonus_bp: z.number({ message: 'a whole number of basis points' }).int('a whole number of basis points').min(0, 'not negative').max(10_000, 'at most 10000 bp (100 %)').default(0),
    requirements: tierRequirements.optional(),
    /** Shown to the agent beside the tier (free DID, SIP channels, talk time). */
    benefits: z.array(z.string().min(1).max(200)).default([]),
  })
  .strict();

export const evaluationDefinition = z
  .object({
    /** Calendar periods in the program's time zone; a period is evaluated once, after it ends. */
    period: z.enum(['monthly', 'quarterly', 'yearly']),
    /** The measured requirements are compared with the period's average per calendar month. */
    measure: z.enum(['average_per_month']).default('average_per_month'),
    /** When a period's result applies: at once (the evaluation day), the next month's 1st, or the next period's start. */
    effective: z.enum(['immediately', 'next_month', 'next_period_start']).default('next_period_start'),
    /** false: evaluation only ever raises a tier. */
    demote: z.boolean().default(true),
    /** rest_of_year_and_next: a tier reached is never lowered before the end of the year after the year it was reached in (CloudCodes). */
    keep: z.enum(['none', 'rest_of_year_and_next']).default('none'),
    /** next_month: a partner whose figures so far already meet a higher tier's whole-period requirement moves up from the 1st of the next month. */
    mid_period_upgrade: z.enum(['none', 'next_month']).default('none'),
    on_demote_to_default: z
      .object({ reassign_clients: z.boolean().default(false), restart_tiering: z.boolean().default(false) })
      .strict()
      .optional(),
  })
  .strict();

export type TierDefinition = z.output<typeof tierDefinition>;
export type TierRequirements = z.output<typeof tierRequirements>;
export type ChecklistItem = z.output<typeof checklistItem>;
export type EvaluationDefinition = z.output<typeof evaluationDefinition>;

/** Checks across tiers and the evaluation section (the program's superRefine calls it). */
export function checkTiers(
  p: { tiers: TierDefinition[]; evaluation?: EvaluationDefinition | undefined },
  fail: (path: (string | number)[], message: string) => void,
  amountRefused: (text: string) => string | null,
): void {
  const items = new Map<string, ChecklistItem>();
  p.tiers.forEach((t, i) => {
    const sales = t.requirements?.sales_per_month;
    // An amount the pattern refused is reported once, by the pattern.
    if (sales !== undefined && DECIMAL.test(sales)) {
      const refused = amountRefused(sales);
      if (refused) fail(['tiers', i, 'requirements', 'sales_per_month'], refused);
    }
    const seen = new Set<string>();
    t.requirements?.checklist.forEach((c, j) => {
      if (seen.has(c.key)) fail(['tiers', i, 'requirements', 'checklist', j, 'key'], `duplicate checklist key "${c.key}"`);
      seen.add(c.key);
      const first = items.get(c.key);
      if (!first) items.set(c.key, c);
      else if (first.type !== c.type || first.levels.join() !== c.levels.join()) {
        fail(['tiers', i, 'requirements', 'checklist', j], `"${c.key}" has another type or levels in an earlier tier`);
      }
    });
  });
  if (p.evaluation && !p.tiers.length) fail(['evaluation'], 'only a program with tiers is evaluated');
  if (p.evaluation?.keep === 'rest_of_year_and_next' && p.evaluation.period !== 'yearly') fail(['evaluation', 'keep'], 'rest_of_year_and_next with period: yearly');
}

/** Every checklist item the program names, once each, in the order of first appearance. */
export function checklistItems(tiers: TierDefinition[]): ChecklistItem[] {
  const out = new Map<string, ChecklistItem>();
  for (const t of tiers) for (const c of t.requirements?.checklist ?? []) if (!out.has(c.key)) out.set(c.key, c);
  return [...out.values()];
}
