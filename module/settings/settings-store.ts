import type { Knex } from 'knex';
import { T } from '../db/tables';
import { rowOrNull, text } from '../db/columns';

/** The module's key/value settings (tbladdonmodules in WHMCS terms). */
export class SettingsStore {
  constructor(private readonly db: Knex) {}

  async get(key: string): Promise<string | null> {
    const row = rowOrNull(await this.db(T.settings).where({ key }).first('value'));
    return row ? text(row.value) : null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db(T.settings).insert({ key, value }).onConflict('key').merge({ value });
  }

  /** Sets the value only if none exists yet, and returns the one that won. */
  async init(key: string, value: string): Promise<string> {
    await this.db(T.settings).insert({ key, value }).onConflict('key').ignore();
    const won = await this.get(key);
    if (won === null) throw new Error(`setting ${key} was just stored and is missing`);
    return won;
  }
}
