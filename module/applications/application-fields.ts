import { z } from 'zod';
import type { JoiningField } from '../programs/joining';
import type { Translate } from '../i18n/lang';

/** An application's answers by field key; an optional field left empty is null. */
export type Answers = Record<string, string | null>;

/** The value a ticked agreement box sends, and what the answers keep for it. */
export const AGREED = 'yes';

function fieldSchema(f: JoiningField, t: Translate): z.ZodType<string | null> {
  if (f.type === 'agreement') return z.literal(AGREED, { message: t('apply.field.agreement') });
  let s: z.ZodType<string, string>;
  if (f.type === 'choice') {
    const values = f.options.map((o) => o.value);
    s = z.string().refine((v) => values.includes(v), t('apply.field.choose'));
  } else {
    let text = z.string().max(f.max_length, t('apply.field.max_length', { n: f.max_length }));
    if (f.pattern !== undefined) text = text.regex(new RegExp(`^(?:${f.pattern})$`, 'u'), f.pattern_hint ?? t('apply.field.pattern'));
    s = text;
  }
  // A form sends an empty text for a field left empty; a missing one is the same to the applicant.
  const blank = (v: unknown) => v === undefined || (typeof v === 'string' && v.trim() === '');
  const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
  if (f.required) return z.preprocess((v) => (blank(v) ? '' : trimmed(v)), z.string().min(1, t('apply.field.required')).pipe(s));
  return z.preprocess((v) => (blank(v) ? null : trimmed(v)), s.nullable());
}

/**
 * The zod schema of a program's application form, built from the field list its terms declare:
 * it checks what an applicant sends, and decodes the answers stored with an application (read
 * with the field list of the terms version applied to, so that later terms do not garble them).
 * Its messages are in the applicant's language, hence the translator.
 */
export function answersSchema(fields: readonly JoiningField[], t: Translate): z.ZodType<Answers> {
  return z.object(Object.fromEntries(fields.map((f) => [f.key, fieldSchema(f, t)]))).strip();
}

/** An answer as a person reads it: a choice's label, an agreement as accepted. */
export function answerText(f: JoiningField, value: string | null, t: Translate): string {
  if (value === null) return '';
  if (f.type === 'choice') return f.options.find((o) => o.value === value)?.label ?? value;
  if (f.type === 'agreement') return value === AGREED ? t('apply.answer.accepted') : '';
  return value;
}
