import { z } from 'zod';

/**
 * How a client joins a program from the client area: whether anyone may apply, the fields the
 * application asks for, and whether an admin reviews it. A program without `joining` is closed:
 * an admin switches clients on, the WHMCS way.
 */
const fieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter');

/** Form names the apply page uses itself; a program field may not take them. */
export const RESERVED_FIELD_KEYS = ['invitation_code', 'program'] as const;

const option = z.object({ value: fieldKey, label: z.string().min(1).max(120) }).strict();

const joiningField = z
  .object({
    key: fieldKey,
    label: z.string().min(1).max(200),
    /** text: a line of text; choice: one of `options`; agreement: a box the applicant must tick. */
    type: z.enum(['text', 'choice', 'agreement']),
    required: z.boolean().default(true),
    options: z.array(option).default([]),
    /** A regular expression the whole text must match (a tax id's digits). */
    pattern: z.string().min(1).max(200).optional(),
    /** What the applicant is told beside the field when the pattern does not match. */
    pattern_hint: z.string().min(1).max(200).optional(),
    max_length: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const joiningDefinition = z
  .object({
    access: z.enum(['open', 'invitation', 'closed']).default('closed'),
    auto_approve: z.boolean().default(false),
    /** The version of the agreement an applicant accepts, recorded with the acceptance. */
    agreement_version: z.string().min(1).max(32).optional(),
    // http(s) only: the apply page links it, and a javascript: URL would run there.
    agreement_url: z.url({ protocol: /^https?$/, message: 'an http or https URL' }).optional(),
    /** The codes an admin hands out for an invitation-only program; any one of them lets a client apply. */
    invitation_codes: z.array(z.string().min(6, 'at least 6 characters').max(64)).default([]),
    fields: z.array(joiningField).default([]),
  })
  .strict()
  .superRefine((j, ctx) => {
    const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (j.access === 'invitation' && !j.invitation_codes.length) fail(['invitation_codes'], 'an invitation-only program needs at least one code');
    const keys = new Set<string>();
    j.fields.forEach((f, i) => {
      if (keys.has(f.key)) fail(['fields', i, 'key'], `duplicate field key "${f.key}"`);
      keys.add(f.key);
      if (RESERVED_FIELD_KEYS.some((reserved) => reserved === f.key)) fail(['fields', i, 'key'], `"${f.key}" is the apply page's own`);
      if (f.type === 'choice' && f.options.length < 2) fail(['fields', i, 'options'], 'a choice needs at least two options');
      if (f.type !== 'choice' && f.options.length) fail(['fields', i, 'options'], 'only a choice has options');
      if (f.type !== 'text' && (f.pattern !== undefined || f.pattern_hint !== undefined)) fail(['fields', i, 'pattern'], 'only a text field has a pattern');
      if (f.type === 'agreement' && !j.agreement_version) fail(['agreement_version'], 'required when a field is an agreement');
      if (f.pattern !== undefined) {
        try {
          new RegExp(f.pattern, 'u');
        } catch (e) {
          // The RegExp constructor's answer to a pattern it cannot read.
          if (!(e instanceof SyntaxError)) throw e;
          fail(['fields', i, 'pattern'], 'not a valid regular expression');
        }
      }
    });
  });

export type JoiningDefinition = z.output<typeof joiningDefinition>;
export type JoiningField = JoiningDefinition['fields'][number];

/** What a program without a `joining` section means: closed, joined only by an admin's switch. */
export const CLOSED_JOINING: JoiningDefinition = { access: 'closed', auto_approve: false, invitation_codes: [], fields: [] };
