import { RuleError } from '../core/errors';
import { z } from 'zod';
import { isCurrency } from '../money/currencies';
import { parseAmount, type Minor } from '../money/amount';
import { currency } from '../money/currencies';
import { joiningDefinition } from './joining';
import { checkTiers, evaluationDefinition, tierDefinition } from './tiers-definition';
import { checkProbation, probationDefinition } from './probation-definition';
import { taxRulesDefinition } from './tax-definition';
import { isLanguage } from '../i18n/lang';
import { PAYOUT_METHOD_KINDS } from './payout-definition';

/**
 * A partner program, as a provider writes it (JSON or YAML). Everything a seed program promises
 * its partners is expressed here, so that running one is configuration, not code.
 */
const bp = z.number({ message: 'a whole number of basis points' }).int('a whole number of basis points').min(0, 'not negative').max(10_000, 'at most 10000 bp (100 %)');
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, - and _');
const code = z.string().refine((c): boolean => isCurrency(c), 'an ISO 4217 currency code such as USD');
const decimal = z.string().regex(/^\d{1,15}(\.\d+)?$/, 'a non-negative amount such as 50.00');
/** Why parseAmount refuses the text as an amount of `cur`, or null when it reads it. */
function amountRefused(text: string, cur: string): string | null {
  try {
    parseAmount(text, currency(cur));
    return null;
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return e.message;
  }
}

const zone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch (e) {
    // Intl's answer to a zone it does not know.
    if (!(e instanceof RangeError)) throw e;
    return false;
  }
}, 'an IANA time zone such as Africa/Nairobi');

export const CERTIFICATIONS = ['basic', 'intermediate', 'advanced'] as const;
export type Certification = (typeof CERTIFICATIONS)[number];

const rule = z
  .object({
    id: key,
    /** Which invoice lines: by host product id, by product category name, or (both empty) all. */
    products: z.array(z.number().int().positive()).default([]),
    categories: z.array(z.string().min(1)).default([]),
    /** Tiers the rule applies at; empty means every tier. */
    tiers: z.array(key).default([]),
    /** sales: the agent the client is assigned to; technical: the agent who performed the line. */
    role: z.enum(['sales', 'technical']).default('sales'),
    /** Lines this rule matches never earn commission, whatever else matches (deposits). */
    never: z.boolean().default(false),
    rate_bp: bp.optional(),
    /** The agent's own rate, set per agent inside the program's agent_rate range. */
    agent_rate: z.boolean().default(false),
    rate_by_certification: z.partialRecord(z.enum(CERTIFICATIONS), bp).optional(),
    fixed: decimal.optional(),
    /**
     * lifetime: every invoice; first_invoice: the client's first paid invoice only (whatever it
     * holds); once: the first invoice on which this rule earns for the client (a one-off sale);
     * months: invoices paid within N months of the referral.
     */
    recurrence: z.enum(['first_invoice', 'once', 'lifetime', 'months']).default('lifetime'),
    months: z.number().int().positive().optional(),
  })
  .strict();

const level = z.object({ min_paid_orders: z.number().int().min(0), multiplier_bp: z.number().int().min(1).max(100_000) }).strict();

/** What a service-manager grant does to who earns: see `grant_moves_referral`. */
export const GRANT_MOVES_REFERRAL = ['never', 'unreferred_only', 'with_admin_approval'] as const;

export const programDefinition = z
  .object({
    slug: key,
    name: z.string().min(1).max(120),
    terms_version: z.number().int().positive(),
    currency: code,
    timezone: zone,
    cookie_days: z.number().int().min(0).max(3650),
    /**
     * The language its agents read (pages and e-mails) when their own account in the platform names
     * none, as WHMCS names languages: Cloudlessons is "russian". Absent: the module's default.
     */
    language: z.string().refine(isLanguage, { message: 'not a language of lang/ (english, russian, swahili…)' }).optional(),
    attribution: z.enum(['last_click', 'first_click']).default('last_click'),
    /**
     * What a click attributes: the client, at sign-up, for life (client); or each order, to the
     * last click within order_window_days before it (order: Cloudlessons).
     */
    attribution_scope: z.enum(['client', 'order']).default('client'),
    order_window_days: z.number().int().min(1).max(3650).optional(),
    hold_days: z.number().int().min(0).max(365),
    withholding_tax_bp: bp.default(0),
    /**
     * Rates by the agent's tax profile and exemptions (module/programs/tax-definition.ts; applied by module/tax); withholding_tax_bp
     * stays the default. Optional, so that programs stored before it keep their exact terms.
     */
    tax: taxRulesDefinition.optional(),
    /** Invoices in other currencies earn at the host's exchange rate instead of being refused. */
    convert_currencies: z.boolean().default(false),
    /**
     * Deal registration (CloudCodes): agents register customers' domains, and a sign-up at one or
     * an order of one is theirs. Off unless a program says so.
     */
    deal_registration: z.boolean().default(false),
    /**
     * Service managers (Cloud One): clients grant an agent access through the agent's offer link.
     * Off unless a program says so: other programs' agents have no offer page.
     */
    service_managers: z.boolean().default(false),
    /**
     * Whether a client's grant also makes the service manager the agent who earns (the referral):
     * never; unreferred_only, for a client with no live referral (the default); or
     * with_admin_approval, which also queues the move of a live referral for an admin (Cloud One).
     * Optional rather than defaulted, so that programs stored before it keep their exact terms.
     */
    grant_moves_referral: z.enum(GRANT_MOVES_REFERRAL).optional(),
    /** How a client joins from the client area (module/programs/joining.ts); absent: closed, an admin switches clients on. */
    joining: joiningDefinition.optional(),
    /** The host's product category names that rules may name; any other name is a mistake. */
    categories: z.array(z.string().min(1)).default([]),
    agent_rate: z.object({ min_bp: bp, max_bp: bp, default_bp: bp }).strict().optional(),
    /** Lowest first; requirements and benefits in tiers-definition.ts. */
    tiers: z.array(tierDefinition).default([]),
    default_tier: key.optional(),
    levels: z.array(level).default([]),
    /** When tiers are evaluated from measured figures; absent: an admin sets tiers by hand. */
    evaluation: evaluationDefinition.optional(),
    /** An entry tier's probation: a first paid sale within so many days, or forfeiture and reassignment (probation-definition.ts). */
    probation: probationDefinition.optional(),
    rules: z.array(rule).min(1, 'at least one rule'),
    payout: z
      .object({
        thresholds: z.record(z.string(), decimal),
        schedule: z.enum(['on_request', 'monthly', 'semi_monthly', 'quarterly']).default('on_request'),
        /**
         * How agents may be paid (module/payouts): each agent picks one in their payout settings.
         * Bank transfer by default, the way programs stored before this paid (by hand).
         */
        methods: z.array(z.enum(PAYOUT_METHOD_KINDS)).min(1).default(['bank']),
      })
      .strict(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const tierKeys = new Set(p.tiers.map((t) => t.key));
    const categories = new Set(p.categories);
    if (p.default_tier && !tierKeys.has(p.default_tier)) fail(['default_tier'], `unknown tier "${p.default_tier}"`);
    if (p.tiers.length && !p.default_tier) fail(['default_tier'], 'required when the program has tiers');
    checkTiers(p, fail, (text) => amountRefused(text, p.currency));
    checkProbation(p, fail);
    if (p.attribution_scope === 'order' && p.order_window_days === undefined) fail(['order_window_days'], 'required when attribution_scope is order');
    if (p.attribution_scope === 'client' && p.order_window_days !== undefined) fail(['order_window_days'], 'only with attribution_scope: order');
    if (p.agent_rate && !(p.agent_rate.min_bp <= p.agent_rate.default_bp && p.agent_rate.default_bp <= p.agent_rate.max_bp)) {
      fail(['agent_rate'], 'min_bp ≤ default_bp ≤ max_bp');
    }
    const [firstLevel] = p.levels;
    if (firstLevel && firstLevel.min_paid_orders !== 0) fail(['levels', 0, 'min_paid_orders'], 'the first level starts at 0 paid orders');
    p.levels.forEach((l, i) => {
      const previous = p.levels[i - 1];
      if (previous && l.min_paid_orders <= previous.min_paid_orders) fail(['levels', i, 'min_paid_orders'], 'levels must rise');
    });
    if (!(p.currency in p.payout.thresholds)) fail(['payout', 'thresholds'], `needs a threshold for ${p.currency}`);
    for (const [cur, amount] of Object.entries(p.payout.thresholds)) {
      if (!isCurrency(cur)) {
        fail(['payout', 'thresholds', cur], 'an ISO 4217 currency code such as USD');
        continue;
      }
      const refused = amountRefused(amount, cur);
      if (refused) fail(['payout', 'thresholds', cur], refused);
    }
    const ids = new Set<string>();
    p.rules.forEach((r, i) => {
      if (ids.has(r.id)) fail(['rules', i, 'id'], `duplicate rule id "${r.id}"`);
      ids.add(r.id);
      r.categories.forEach((c, j) => {
        if (!categories.has(c)) fail(['rules', i, 'categories', j], `unknown category "${c}" (not in the program's categories)`);
      });
      r.tiers.forEach((t, j) => {
        if (!tierKeys.has(t)) fail(['rules', i, 'tiers', j], `unknown tier "${t}"`);
      });
      if (r.products.length && r.categories.length) fail(['rules', i], 'name products or categories, not both');
      const sources = [r.rate_bp !== undefined, r.agent_rate, r.rate_by_certification !== undefined, r.fixed !== undefined].filter(Boolean).length;
      if (r.never && sources) fail(['rules', i, 'never'], 'a never rule has no rate');
      if (!r.never && !sources) fail(['rules', i], 'needs rate_bp, agent_rate, rate_by_certification or fixed');
      if (r.agent_rate && !p.agent_rate) fail(['rules', i, 'agent_rate'], 'the program has no agent_rate range');
      if (r.rate_by_certification && r.role !== 'technical') fail(['rules', i, 'rate_by_certification'], 'only technical rules pay by certification');
      if (r.recurrence === 'months' && !r.months) fail(['rules', i, 'months'], 'required when recurrence is months');
      // An order's click is claimed on the client's first paid invoice only (see SalesClaims).
      if (p.attribution_scope === 'order' && r.role === 'sales' && !r.never && r.recurrence !== 'first_invoice') fail(['rules', i, 'recurrence'], 'first_invoice with attribution_scope: order');
      if (r.fixed !== undefined) {
        const refused = amountRefused(r.fixed, p.currency);
        if (refused) fail(['rules', i, 'fixed'], refused);
      }
    });
    // Two rules of the same role and the same specificity that can match the same line at the
    // same tier would make the payout depend on their order: refuse them.
    p.rules.forEach((a, i) => {
      p.rules.forEach((b, j) => {
        if (j <= i || a.role !== b.role || a.never !== b.never) return;
        const tiersMeet = !a.tiers.length || !b.tiers.length || a.tiers.some((t) => b.tiers.includes(t));
        const scopeMeets =
          (a.products.length && b.products.length && a.products.some((x) => b.products.includes(x))) ||
          (a.categories.length && b.categories.length && a.categories.some((x) => b.categories.includes(x))) ||
          (!a.products.length && !a.categories.length && !b.products.length && !b.categories.length);
        if (tiersMeet && scopeMeets) fail(['rules', j], `overlaps rule "${a.id}" (same role, lines and tiers)`);
      });
    });
  });

export type ProgramDefinition = z.output<typeof programDefinition>;
export type ProgramRule = ProgramDefinition['rules'][number];
export type { TierDefinition, EvaluationDefinition, ChecklistItem } from './tiers-definition';

/** A program file refused: one issue a line, shown beside the admin's definition field. */
export class DefinitionError extends RuleError {
  constructor(readonly issues: string[]) {
    super(issues.join('\n'), 'definition');
    this.name = 'DefinitionError';
  }
}

/** Validates a parsed file; every issue names the field it is about, e.g. rules[2].rate_bp. */
export function parseDefinition(raw: unknown): ProgramDefinition {
  const r = programDefinition.safeParse(raw);
  if (r.success) return r.data;
  throw new DefinitionError(
    r.error.issues.map((i) => {
      const path = i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('');
      return `${path || '(program)'}: ${i.message}`;
    }),
  );
}

export function thresholdOf(def: ProgramDefinition, cur: string): Minor | null {
  const t = def.payout.thresholds[cur];
  return t === undefined ? null : parseAmount(t, currency(cur));
}
