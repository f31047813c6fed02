import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import { asRow, asRows, num, oneOf, rowOrNull, stringOrNull, text } from '../db/columns';
import { inTransaction } from '../db/transaction';
import { LEGAL_STATUSES, type LegalStatus, normalizeTaxId } from './tax-id';

export interface TaxProfile {
  id: number;
  agentId: number;
  legalStatus: LegalStatus;
  taxId: string | null;
  residency: string;
  exemptionRef: string | null;
  exemptionValidUntil: string | null;
  updatedAt: number;
}

/** One change to a profile: who, when, and the profile before (null: the first) and after. */
export interface TaxProfileChange {
  changedBy: string;
  changedAt: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown>;
}

/** The profile's form as typed: every field a string, empty for none. */
export type TaxProfileInput = Partial<Record<'legal_status' | 'tax_id' | 'residency' | 'exemption_ref' | 'exemption_valid_until', string>>;

function fromRow(value: unknown): TaxProfile {
  const r = asRow(value);
  return {
    id: num(r.id),
    agentId: num(r.agent_id),
    legalStatus: oneOf(LEGAL_STATUSES, r.legal_status),
    taxId: stringOrNull(r.tax_id),
    residency: text(r.residency),
    exemptionRef: stringOrNull(r.exemption_ref),
    exemptionValidUntil: stringOrNull(r.exemption_valid_until),
    updatedAt: num(r.updated_at),
  };
}

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
// Codes Intl names that are not countries (the unknown region, the EU, the UN…).
const NOT_COUNTRIES = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO', 'XA', 'XB']);

/** True for an ISO 3166-1 alpha-2 code of a country or territory. */
export function isCountry(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.has(code) && regions.of(code) !== undefined;
}

/**
 * An agent's tax profile, which the withholding on each payout reads. The agent keeps it from the
 * client area, an admin from the agent's page; every change is logged with who made it and what
 * it was before, in the transaction that makes it.
 */
export class TaxProfileService {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async forAgent(agentId: number): Promise<TaxProfile | null> {
    const row = rowOrNull(await this.db(T.taxProfiles).where({ agent_id: agentId }).first());
    return row ? fromRow(row) : null;
  }

  async history(agentId: number): Promise<TaxProfileChange[]> {
    const rows = asRows(await this.db(T.taxProfileLog).where({ agent_id: agentId }).orderBy('id', 'desc').limit(50));
    return rows.map((r) => ({
      changedBy: text(r.changed_by),
      changedAt: num(r.changed_at),
      before: r.before === null ? null : (JSON.parse(text(r.before)) as Record<string, unknown>),
      after: JSON.parse(text(r.after)) as Record<string, unknown>,
    }));
  }

  /** Checks the form and saves it; a refusal is a RuleError beside its field. `by` is "agent:…" or "admin:…". */
  async save(agentId: number, input: TaxProfileInput, by: string): Promise<TaxProfile> {
    const fields = this.check(input);
    await inTransaction(this.db, async (trx) => {
      const old = rowOrNull(await trx(T.taxProfiles).where({ agent_id: agentId }).forUpdate().first());
      const now = this.clock.now();
      if (old)
        await trx(T.taxProfiles)
          .where({ agent_id: agentId })
          .update({ ...fields, updated_at: now });
      else await trx(T.taxProfiles).insert({ agent_id: agentId, ...fields, updated_at: now });
      const before = old ? { legal_status: old.legal_status, tax_id: old.tax_id, residency: old.residency, exemption_ref: old.exemption_ref, exemption_valid_until: old.exemption_valid_until } : null;
      await trx(T.taxProfileLog).insert({ agent_id: agentId, changed_by: by.slice(0, 80), changed_at: now, before: before && JSON.stringify(before), after: JSON.stringify(fields) });
    });
    const saved = await this.forAgent(agentId);
    if (!saved) throw new Error(`the tax profile of agent ${agentId}, just saved, cannot be read back`);
    return saved;
  }

  private check(input: TaxProfileInput) {
    // A lang key, not a text: the page shows the refusal in its reader's language.
    const refuse = (field: string, key: string): never => {
      throw new RuleError(`tax.error.${key}`, field);
    };
    const status = (input.legal_status ?? '').trim();
    if (!(LEGAL_STATUSES as readonly string[]).includes(status)) refuse('legal_status', 'legal_status');
    const legalStatus = status as LegalStatus;
    const residency = (input.residency ?? '').trim().toUpperCase();
    if (!isCountry(residency)) refuse('residency', 'residency');
    const rawId = (input.tax_id ?? '').trim();
    let taxId: string | null = null;
    if (rawId) {
      const checked = normalizeTaxId(rawId, residency, legalStatus);
      if ('problem' in checked) return refuse('tax_id', checked.problem);
      taxId = checked.id || null;
    } else if (residency === 'KE' || residency === 'RU') {
      refuse('tax_id', residency === 'KE' ? 'kra_pin' : 'inn');
    }
    const ref = (input.exemption_ref ?? '').trim();
    const until = (input.exemption_valid_until ?? '').trim();
    if (ref.length > 120) refuse('exemption_ref', 'exemption_ref_long');
    if (ref && !until) refuse('exemption_valid_until', 'exemption_until_missing');
    if (until && !ref) refuse('exemption_ref', 'exemption_ref_missing');
    if (until && !(/^\d{4}-\d{2}-\d{2}$/.test(until) && DateTime.fromISO(until, { zone: 'utc' }).isValid)) refuse('exemption_valid_until', 'exemption_until');
    return { legal_status: legalStatus, tax_id: taxId, residency, exemption_ref: ref || null, exemption_valid_until: until || null };
  }
}
