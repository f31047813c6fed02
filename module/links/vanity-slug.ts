import { z } from 'zod';
import { RESERVED_SLUGS } from './reserved-slugs';

export const SLUG_PATTERN = /^[a-z0-9-]{3,32}$/;

/** An agent's requested slug: 3–32 lower-case letters, digits and -, not a reserved word. */
export const vanitySlugText = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, 'At least 3 characters.')
  .max(32, 'At most 32 characters.')
  .regex(SLUG_PATTERN, 'Only letters a–z, digits and -.')
  .refine((s) => !s.startsWith('-') && !s.endsWith('-'), 'Start and end with a letter or a digit.')
  .refine((s) => !RESERVED_SLUGS.has(s), 'This word is reserved; choose another.');

export const SLUG_APPROVALS = ['admin', 'auto'] as const;
export type SlugApproval = (typeof SLUG_APPROVALS)[number];
export const SLUG_APPROVAL_SETTING = 'slug_approval';
/** The stored setting; anything unreadable means the safer 'admin'. */
export const slugApproval = z.enum(SLUG_APPROVALS).catch('admin');
