import type { Knex } from 'knex';
import YAML from 'yaml';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Changes } from '../core/changes';
import { errorMessage, isUniqueViolation } from '../core/errors';
import { currency, type CurrencyCode } from '../money/currencies';
import type { Minor } from '../money/amount';
import { percentText, settingsFields, type SettingKey } from '../config';
import { asRows, json, num, rowOrNull } from '../db/columns';
import { DefinitionError, parseDefinition, thresholdOf, type ProgramDefinition } from './definition';
import { inTransaction } from '../db/transaction';

export interface Program {
  id: number;
  slug: string;
  name: string;
  version: number;
  def: ProgramDefinition;
  currency: CurrencyCode;
  timezone: string;
  cookieDays: number;
  holdDays: number;
  payoutThreshold: Minor;
}

function toProgram(id: number, version: number, def: ProgramDefinition): Program {
  const payoutThreshold = thresholdOf(def, def.currency);
  if (payoutThreshold === null) throw new Error(`program ${def.slug} v${version} has no payout threshold in ${def.currency}, which parseDefinition requires`);
  return {
    id,
    slug: def.slug,
    name: def.name,
    version,
    def,
    currency: currency(def.currency),
    timezone: def.timezone,
    cookieDays: def.cookie_days,
    holdDays: def.hold_days,
    payoutThreshold,
  };
}

/**
 * The most bytes a stored version may take: its column is a TEXT, 65,535 bytes on MySQL/MariaDB
 * (SQLite has no limit, but a program must load on both alike).
 */
export const DEFINITION_MAX_BYTES = 65_535;

/**
 * How many aliases (`*name`) a YAML file may use. A few anchors shared between rules is what a
 * program file needs; aliases of aliases make a small file expand without bound.
 */
const YAML_MAX_ALIASES = 50;

/** Reads a program file's text: JSON, or YAML (which JSON also is). */
export function readProgramText(text: string): unknown {
  try {
    return YAML.parse(text, { prettyErrors: true, maxAliasCount: YAML_MAX_ALIASES });
  } catch (e) {
    const message = errorMessage(e);
    throw new DefinitionError([`(file): not valid JSON or YAML: ${message.split('\n')[0]}`]);
  }
}

/** The default program an activation creates from the addon settings (the classic WHMCS one). */
export function definitionFromSettings(settings: Partial<Record<SettingKey, string>>): unknown {
  const get = (k: SettingKey) => settings[k] ?? settingsFields[k].Default;
  return {
    slug: 'default',
    name: 'Affiliate program',
    terms_version: 1,
    currency: get('currency').toUpperCase(),
    timezone: get('timezone'),
    cookie_days: Number(get('cookie_days')),
    hold_days: Number(get('hold_days')),
    rules: [{ id: 'default', rate_bp: percentText.parse(get('commission_percent')) }],
    payout: { thresholds: { [get('currency').toUpperCase()]: get('payout_threshold') } },
  };
}

/**
 * Programs and their versioned terms. A version, once stored, never changes; loading a file with
 * a higher terms_version adds one, and new referrals take it while old ones keep theirs.
 */
export class ProgramService {
  // Versions are immutable, so this cache needs no invalidation.
  private readonly versions = new Map<string, ProgramDefinition>();

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    private readonly changes: Changes,
  ) {}

  async ensureDefault(settings: Partial<Record<SettingKey, string>>): Promise<Program> {
    const existing = await this.bySlug('default');
    if (existing) return existing;
    return (await this.load(definitionFromSettings(settings))).program;
  }

  /** Validates and stores a definition; the same version twice is a no-op, a changed one refused. */
  async load(raw: unknown): Promise<{ program: Program; outcome: 'created' | 'new-version' | 'unchanged' }> {
    const def = parseDefinition(raw);
    const definition = JSON.stringify(def);
    // Checked here, not left to the database: MariaDB would refuse the row with an error, SQLite
    // would keep it, and a file could pass `programs check` yet fail to load.
    const bytes = Buffer.byteLength(definition, 'utf8');
    if (bytes > DEFINITION_MAX_BYTES) throw new DefinitionError([`(file): the program takes ${bytes} bytes once stored, over the ${DEFINITION_MAX_BYTES} a program may take`]);
    const row = rowOrNull(await this.db(T.programs).where({ slug: def.slug }).first('id', 'current_version'));
    if (!row) {
      try {
        await inTransaction(this.db, async (trx) => {
          const [id] = await trx(T.programs).insert({
            slug: def.slug,
            name: def.name,
            currency: def.currency,
            cookie_days: def.cookie_days,
            attribution: def.attribution,
            current_version: def.terms_version,
            created_at: this.clock.now(),
          });
          await trx(T.programVersions).insert({ program_id: id, version: def.terms_version, definition, created_at: this.clock.now() });
        });
      } catch (e) {
        if (!isUniqueViolation(e)) throw e;
        return this.load(raw);
      }
      const program = await this.bySlug(def.slug);
      if (!program) throw new Error(`program ${def.slug}, just stored, cannot be read back`);
      this.changes.program(program.id);
      return { program, outcome: 'created' };
    }
    const programId = num(row.id);
    const current = num(row.current_version);
    if (def.terms_version === current) {
      const storedTerms = await this.terms(programId, current);
      if (JSON.stringify(storedTerms) === definition) return { program: await this.stored(programId), outcome: 'unchanged' };
      throw new DefinitionError([`terms_version: ${current} is already in use with other terms; raise it to ${current + 1}`]);
    }
    if (def.terms_version < current) throw new DefinitionError([`terms_version: must be greater than the current ${current}`]);
    try {
      await inTransaction(this.db, async (trx) => {
        await trx(T.programVersions).insert({ program_id: programId, version: def.terms_version, definition, created_at: this.clock.now() });
        await trx(T.programs).where({ id: programId }).update({
          name: def.name,
          currency: def.currency,
          cookie_days: def.cookie_days,
          attribution: def.attribution,
          current_version: def.terms_version,
        });
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new DefinitionError([`terms_version: ${def.terms_version} was just loaded by someone else`]);
      throw e;
    }
    // Cookie days and attribution are the program row's: links of its agents now follow the new terms.
    this.changes.program(programId);
    return { program: await this.stored(programId), outcome: 'new-version' };
  }

  /** The terms of one version of a program. */
  async terms(programId: number, version: number, db: Knex | Knex.Transaction = this.db): Promise<ProgramDefinition> {
    const key = `${programId}:${version}`;
    const hit = this.versions.get(key);
    if (hit) return hit;
    const row = rowOrNull(await db(T.programVersions).where({ program_id: programId, version }).first('definition'));
    if (!row) throw new Error(`program ${programId} has no terms version ${version}`);
    const def = parseDefinition(json(row.definition));
    this.versions.set(key, def);
    return def;
  }

  /**
   * A program as of one terms version (a referral's), or its current one. Inside a transaction,
   * pass it: on SQLite the transaction holds the only connection.
   */
  async at(programId: number, version?: number, db: Knex | Knex.Transaction = this.db): Promise<Program | null> {
    const row = rowOrNull(await db(T.programs).where({ id: programId }).first('id', 'current_version'));
    if (!row) return null;
    const v = version ?? num(row.current_version);
    return toProgram(programId, v, await this.terms(programId, v, db));
  }

  async get(id: number, db: Knex | Knex.Transaction = this.db): Promise<Program | null> {
    return this.at(id, undefined, db);
  }

  async bySlug(slug: string): Promise<Program | null> {
    const row = rowOrNull(await this.db(T.programs).where({ slug }).first('id'));
    return row ? this.get(num(row.id)) : null;
  }

  async list(): Promise<Program[]> {
    const rows = asRows(await this.db(T.programs).orderBy('id').select('id'));
    return Promise.all(rows.map((r) => this.stored(num(r.id))));
  }

  /** A program whose row was just read or written: its absence would be a broken database. */
  private async stored(id: number): Promise<Program> {
    const program = await this.get(id);
    if (!program) throw new Error(`program ${id} was read a moment ago and is gone: programs are never deleted`);
    return program;
  }
}
