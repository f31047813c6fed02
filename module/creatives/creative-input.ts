import { z } from 'zod';
import { deepLinkTarget } from '../tracking';
import { optionalField, textField } from '../http/forms';

const NO_OTHER_HOSTS: ReadonlySet<string> = new Set();

/**
 * Where a creative leads: a path on this site, as the deep link's `to=` accepts it without any
 * allowed host. A banner is the provider's, so it never leads off the provider's site.
 */
export const landingPath = z
  .string()
  .trim()
  .max(255, 'at most 255 characters')
  .refine((p) => p.startsWith('/') && deepLinkTarget(p, NO_OTHER_HOSTS) === p, 'a path on this site, such as /pricing');

const optionalText = (max: number) => z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().max(max, `at most ${max} characters`).optional().default(''));
const optionalLanding = optionalField(landingPath);

/** The admin's upload form; width and height are not in it: they are read from the image. */
export const imageCreativeForm = z.object({
  name: textField(120),
  alt: optionalText(255),
  landing: optionalLanding,
});

/** A text link; its name, only the admin's label for it, defaults to the link text. */
export const textCreativeForm = z.object({
  name: optionalText(120),
  link_text: textField(255),
  landing: optionalLanding,
});

export type ImageCreativeInput = z.output<typeof imageCreativeForm>;
export type TextCreativeInput = z.output<typeof textCreativeForm>;
