import type { Knex } from 'knex';
import { z } from 'zod';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { currency, type CurrencyCode } from '../money/currencies';
import { type Minor, minor, parseAmount } from '../money/amount';
import { currencyText, daysText, percentText, settingsFields, timezoneText } from '../config';

export interface Program {
  id: number;
  slug: string;
  name: string;
  currency: CurrencyCode;
  timezone: string;
  cookieDays: number;
  holdDays: number;
  rateBp: number;
  payoutThreshold: Minor;
}

/** The program form, also used for the settings that seed the default program. */
export const programForm = z
  .object({
    name: z.string().trim().min(1, 'required').max(120, 'at most 120 characters'),
    currency: currencyText,
    timezone: timezoneText,
    commission_percent: percentText,
    cookie_days: daysText(3650),
    hold_days: daysText(365),
    payout_threshold: z.string().trim().regex(/^\d{1,15}(\.\d+)?$/, 'an amount such as 50.00'),
  })
  .transform((v, ctx) => {
    try {
      const threshold = parseAmount(v.payout_threshold, currency(v.currency));
      if (threshold < 0) throw new RangeError('not negative');
      return { ...v, payout_threshold_minor: threshold };
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['payout_threshold'], message: (e as Error).message });
      return z.NEVER;
    }
  });

export type ProgramFormInput = z.input<typeof programForm>;
export type ProgramFormOutput = z.output<typeof programForm>;

function fromRow(r: Record<string, unknown>): Program {
  return {
    id: Number(r.id),
    slug: String(r.slug),
    name: String(r.name),
    currency: currency(String(r.currency)),
    timezone: String(r.timezone),
    cookieDays: Number(r.cookie_days),
    holdDays: Number(r.hold_days),
    rateBp: Number(r.rate_bp),
    payoutThreshold: minor(r.payout_threshold_minor),
  };
}

export class ProgramService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  /** Creates the default program from the addon settings, once. */
  async ensureDefault(settings: Partial<Record<keyof typeof settingsFields, string>>): Promise<Program> {
    const existing = await this.db(T.programs).where({ slug: 'default' }).first();
    if (existing) return fromRow(existing);
    const parsed = programForm.parse({
      name: 'Affiliate program',
      currency: settings.currency ?? settingsFields.currency.Default,
      timezone: settings.timezone ?? settingsFields.timezone.Default,
      commission_percent: settings.commission_percent ?? settingsFields.commission_percent.Default,
      cookie_days: settings.cookie_days ?? settingsFields.cookie_days.Default,
      hold_days: settings.hold_days ?? settingsFields.hold_days.Default,
      payout_threshold: settings.payout_threshold ?? settingsFields.payout_threshold.Default,
    });
    await this.db(T.programs)
      .insert({
        slug: 'default',
        name: parsed.name,
        currency: parsed.currency,
        timezone: parsed.timezone,
        cookie_days: parsed.cookie_days,
        hold_days: parsed.hold_days,
        rate_bp: parsed.commission_percent,
        payout_threshold_minor: parsed.payout_threshold_minor,
        created_at: this.clock.now(),
      })
      .onConflict('slug')
      .ignore();
    return fromRow(await this.db(T.programs).where({ slug: 'default' }).first());
  }

  async get(id: number): Promise<Program | null> {
    const row = await this.db(T.programs).where({ id }).first();
    return row ? fromRow(row) : null;
  }

  async bySlug(slug: string): Promise<Program | null> {
    const row = await this.db(T.programs).where({ slug }).first();
    return row ? fromRow(row) : null;
  }

  async list(): Promise<Program[]> {
    return (await this.db(T.programs).orderBy('id')).map(fromRow);
  }

  /** Validated update from the admin form; changes apply to commissions earned from now on. */
  async update(id: number, v: ProgramFormOutput): Promise<Program> {
    await this.db(T.programs).where({ id }).update({
      name: v.name,
      currency: v.currency,
      timezone: v.timezone,
      cookie_days: v.cookie_days,
      hold_days: v.hold_days,
      rate_bp: v.commission_percent,
      payout_threshold_minor: v.payout_threshold_minor,
    });
    const p = await this.get(id);
    if (!p) throw new Error(`program ${id} vanished`);
    return p;
  }
}
