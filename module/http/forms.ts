import { z, type ZodError } from 'zod';
import type { Translate } from '../i18n/lang';

export type FieldErrors = Record<string, string>;

/**
 * One message per field, for the template to show beside it, in the reader's language: a
 * schema's message is a lang key ('form.error.max_length'), given the limit it broke as {n}.
 * A message that is no key is shown as written.
 */
export function fieldErrors(error: ZodError, t: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (!out[field]) out[field] = t(issue.message, issueVars(issue));
  }
  return out;
}

/** The limit an issue broke, as {n} for its message ("at most {n} characters"). */
export function issueVars(issue: ZodError['issues'][number]): Record<string, number> {
  const limit = 'maximum' in issue ? issue.maximum : 'minimum' in issue ? issue.minimum : undefined;
  return typeof limit === 'number' || typeof limit === 'bigint' ? { n: Number(limit) } : {};
}

/** Form bodies arrive as strings (or arrays, when a field repeats); keep only single strings. */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** A form's id field: a positive whole number, typed as text. */
export const idField = z.coerce.number({ message: 'form.error.number' }).int('form.error.whole_number').positive('form.error.positive');

/** Required text, trimmed, at most `max` characters. */
export const textField = (max: number, required = 'form.error.required') => z.string({ message: required }).trim().min(1, required).max(max, 'form.error.max_length');

/** An optional field: left empty, it is null. */
export const optionalField = <S extends z.ZodType>(s: S) => z.preprocess((v) => (v === '' || v === undefined ? null : v), s.nullable());
