import { z } from 'zod';

/**
 * Probation (Cloud One's Affiliate, issue #11 §3): an agent on `tier` must make a paid sale within
 * `days` calendar days (program time zone) of joining it, or lose what `on_fail` says. Warnings go
 * out by e-mail at the start of each of `warn_days` (counted from the day they joined).
 */
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _');
const day = z.number().int().min(1).max(3650);

export const probationDefinition = z
  .object({
    tier: key,
    days: day,
    warn_days: z.array(day).default([]),
    /** paid_sale: a sales commission earned (and not refunded in full) before the deadline ends probation. */
    requires: z.enum(['paid_sale']).default('paid_sale'),
    on_fail: z
      .object({
        /** unpaid_recurring: the agent's recurring commissions not yet withdrawn are forfeited; none: they stay. */
        forfeit: z.enum(['unpaid_recurring', 'none']).default('unpaid_recurring'),
        /** highest_tier_least_loaded: each client goes to the active agent of the highest tier that has one with the fewest clients (ties: lowest id). */
        reassign_clients: z.enum(['highest_tier_least_loaded', 'none']).default('highest_tier_least_loaded'),
      })
      .strict()
      .default({ forfeit: 'unpaid_recurring', reassign_clients: 'highest_tier_least_loaded' }),
  })
  .strict();

export type ProbationDefinition = z.output<typeof probationDefinition>;

/** Checks against the rest of the program (its superRefine calls it). */
export function checkProbation(p: { tiers: { key: string }[]; probation?: ProbationDefinition | undefined }, fail: (path: (string | number)[], message: string) => void): void {
  const probation = p.probation;
  if (!probation) return;
  if (!p.tiers.some((t) => t.key === probation.tier)) fail(['probation', 'tier'], `unknown tier "${probation.tier}"`);
  probation.warn_days.forEach((d, i) => {
    if (d >= probation.days) fail(['probation', 'warn_days', i], `before the deadline: under ${probation.days} days`);
  });
}
