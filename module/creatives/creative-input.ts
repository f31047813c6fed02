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
  .max(255, 'adminarea.error.at_most_255')
  .refine((p) => p.startsWith('/') && deepLinkTarget(p, NO_OTHER_HOSTS) === p, 'adminarea.error.landing_path');

/** The lang key of "at most N characters" for the lengths these forms use. */
const AT_MOST: Record<number, string> = { 120: 'adminarea.error.at_most_120', 255: 'adminarea.error.at_most_255' };
const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v),
    z
      .string()
      .max(max, AT_MOST[max] ?? `at most ${max} characters`)
      .optional()
      .default(''),
  );
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
