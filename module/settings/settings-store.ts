import type { Knex } from 'knex';
import { T } from '../db/tables';

/** The module's key/value settings (tbladdonmodules in WHMCS terms). */
export class SettingsStore {
  constructor(private readonly db: Knex) {}

  async get(key: string): Promise<string | null> {
    const row = await this.db(T.settings).where({ key }).first('value');
    return row ? String(row.value) : null;
  }

  async set(key: string, value: string): Promise<void> {
    await this.db(T.settings).insert({ key, value }).onConflict('key').merge({ value });
  }

  /** Sets the value only if none exists yet, and returns the one that won. */
  async init(key: string, value: string): Promise<string> {
    await this.db(T.settings).insert({ key, value }).onConflict('key').ignore();
    return (await this.get(key)) as string;
  }
}
