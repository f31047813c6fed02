import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { z } from 'zod';
import { programDefinition } from '../module/programs/definition';

/**
 * What a program file may say, read from its zod schema: every key of every object however deep
 * (rules, tiers, levels, payout), the keys a record with an enum key type allows (the
 * certifications), and every value an enum field allows (`recurrence: once`).
 */
function schemaNames(schema: z.ZodType, out = { fields: new Set<string>(), values: new Set<string>() }) {
  if (schema instanceof z.ZodObject) {
    for (const [key, inner] of Object.entries<z.ZodType>(schema.shape)) {
      out.fields.add(key);
      schemaNames(inner, out);
    }
  } else if (
    schema instanceof z.ZodOptional ||
    schema instanceof z.ZodNullable ||
    schema instanceof z.ZodDefault ||
    schema instanceof z.ZodPrefault ||
    schema instanceof z.ZodReadonly ||
    schema instanceof z.ZodNonOptional ||
    schema instanceof z.ZodCatch
  ) {
    schemaNames(schema.unwrap() as z.ZodType, out);
  } else if (schema instanceof z.ZodArray) {
    schemaNames(schema.element as z.ZodType, out);
  } else if (schema instanceof z.ZodRecord) {
    if (schema.keyType instanceof z.ZodEnum) for (const k of schema.keyType.options) out.fields.add(String(k));
    schemaNames(schema.valueType as z.ZodType, out);
  } else if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as z.ZodType[]) schemaNames(option, out);
  } else if (schema instanceof z.ZodIntersection) {
    schemaNames(schema._zod.def.left as z.ZodType, out);
    schemaNames(schema._zod.def.right as z.ZodType, out);
  } else if (schema instanceof z.ZodPipe) {
    schemaNames(schema.in as z.ZodType, out);
  } else if (schema instanceof z.ZodEnum) {
    for (const v of schema.options) out.values.add(String(v));
  } else if (schema instanceof z.ZodLiteral) {
    for (const v of schema.values) out.values.add(String(v));
  }
  return out;
}

/** The names the doc does not mention in backticks, as `field` or `value`. */
function undocumented(schema: z.ZodType, doc: string): string[] {
  const { fields, values } = schemaNames(schema);
  const mentioned = (name: string) => doc.includes(`\`${name}\``) || new RegExp(`\`[^\`\\n]*\\b${name}\\b[^\`\\n]*\``).test(doc);
  return [...[...fields].filter((f) => !doc.includes(`\`${f}\``)), ...[...values].filter((v) => !mentioned(v)).map((v) => `value ${v}`)];
}

describe('docs/programs.md documents every field of a program definition', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../docs/programs.md'), 'utf8');

  it('names every field of the schema, nested ones included, and every value an enum field allows', () => {
    expect(undocumented(programDefinition, doc)).to.deep.equal([]);
  });

  it('the walk reaches the nested objects: rules, tiers, levels, payout, the certification map', () => {
    const { fields, values } = schemaNames(programDefinition);
    expect(fields.size).to.be.greaterThan(30);
    for (const f of ['slug', 'recurrence', 'months', 'target_bonus_bp', 'multiplier_bp', 'thresholds', 'schedule', 'min_bp', 'advanced', 'convert_currencies']) expect(fields).to.include(f);
    for (const v of ['once', 'first_click', 'technical', 'semi_monthly']) expect(values).to.include(v);
  });

  it('the check sees a planted unknown field, however deep, and an undocumented value', () => {
    const planted = z.object({
      slug: z.string(),
      rules: z.array(z.union([z.object({ planted_deep_field: z.number().optional() }), z.string()])).default([]),
      by_kind: z.partialRecord(z.enum(['planted_key']), z.object({ planted_in_record: z.boolean().nullable() })).optional(),
      mode: z.enum(['lifetime', 'planted_value']).default('lifetime'),
    });
    expect(undocumented(planted, doc)).to.deep.equal(['planted_deep_field', 'by_kind', 'planted_key', 'planted_in_record', 'mode', 'value planted_value']);
  });
});
