import { z, type ZodError } from 'zod';

export type FieldErrors = Record<string, string>;

/** One message per field, for the template to show beside it. */
export function fieldErrors(error: ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (!out[field]) out[field] = issue.message;
  }
  return out;
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
export const idField = z.coerce.number({ message: 'a number' }).int('a whole number').positive('a positive number');

/** Required text, trimmed, at most `max` characters. */
export const textField = (max: number, required = 'required') => z.string({ message: required }).trim().min(1, required).max(max, `at most ${max} characters`);

/** An optional field: left empty, it is null. */
export const optionalField = <S extends z.ZodType>(s: S) => z.preprocess((v) => (v === '' || v === undefined ? null : v), s.nullable());
