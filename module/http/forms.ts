import type { ZodError } from 'zod';

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
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  }
  return out;
}
