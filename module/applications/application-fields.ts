import { z } from 'zod';
import type { JoiningField } from '../programs/joining';

/** An application's answers by field key; an optional field left empty is null. */
export type Answers = Record<string, string | null>;

/** The value a ticked agreement box sends, and what the answers keep for it. */
export const AGREED = 'yes';

function fieldSchema(f: JoiningField): z.ZodType<string | null> {
  if (f.type === 'agreement') return z.literal(AGREED, { message: 'tick the box to accept the agreement' });
  let s: z.ZodType<string, string>;
  if (f.type === 'choice') {
    const values = f.options.map((o) => o.value);
    s = z.string().refine((v) => values.includes(v), 'choose one of the options');
  } else {
    let t = z.string().max(f.max_length, `at most ${f.max_length} characters`);
    if (f.pattern !== undefined) t = t.regex(new RegExp(`^(?:${f.pattern})$`, 'u'), f.pattern_hint ?? 'not in the expected form');
    s = t;
  }
  // A form sends an empty text for a field left empty; a missing one is the same to the applicant.
  const blank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');
  const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
  if (f.required) return z.preprocess((v) => (blank(v) ? '' : trimmed(v)), z.string().min(1, 'required').pipe(s));
  return z.preprocess((v) => (blank(v) ? null : trimmed(v)), s.nullable());
}

/**
 * The zod schema of a program's application form, built from the field list its terms declare:
 * it checks what an applicant sends, and decodes the answers stored with an application (read
 * with the field list of the terms version applied to, so that later terms do not garble them).
 */
export function answersSchema(fields: readonly JoiningField[]): z.ZodType<Answers> {
  return z.object(Object.fromEntries(fields.map((f) => [f.key, fieldSchema(f)]))).strip();
}

/** An answer as a person reads it: a choice's label, an agreement as accepted. */
export function answerText(f: JoiningField, value: string | null): string {
  if (value === null) return '';
  if (f.type === 'choice') return f.options.find((o) => o.value === value)?.label ?? value;
  if (f.type === 'agreement') return value === AGREED ? 'accepted' : '';
  return value;
}
