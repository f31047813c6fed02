import { z } from 'zod';

/** An agent's legal status, as their tax profile records it and a program's tax rules name it. */
export const LEGAL_STATUSES = ['individual', 'sole_proprietor', 'company', 'self_employed'] as const;
export type LegalStatus = (typeof LEGAL_STATUSES)[number];

const bp = z.number({ message: 'a whole number of basis points' }).int('a whole number of basis points').min(0, 'not negative').max(10_000, 'at most 10000 bp (100 %)');
const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as KE');

/**
 * A program's withholding rules (the `tax` block of a program file). The program's
 * `withholding_tax_bp` stays the default rate, so programs written before this block keep their
 * terms; `rates` names the rates that differ from it, by the agent's residency, legal status or
 * both. The first line that matches the agent's tax profile wins: order them from the most
 * particular down, and there is no hidden precedence to learn.
 */
export const taxRulesDefinition = z
  .object({
    rates: z
      .array(
        z
          .object({ residency: country.optional(), status: z.enum(LEGAL_STATUSES).optional(), bp })
          .strict()
          .refine((r) => r.residency !== undefined || r.status !== undefined, 'name a residency, a status or both'),
      )
      .default([]),
    /** An agent with an exemption certificate on file, valid on the payout date, has nothing kept back. */
    exempt_with_certificate: z.boolean().default(false),
  })
  .strict();

export type TaxRules = z.output<typeof taxRulesDefinition>;
