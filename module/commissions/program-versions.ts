import type { Knex } from 'knex';
import type { Program, ProgramService } from '../programs/program-service';

/**
 * A program as of one terms version, kept once read: a version's terms never change once loaded
 * (a change is a new version), so InvoicePaid reads them from the database once per process rather
 * than on every event. The current version of a program (`programs.get`) is not kept here.
 */
export class ProgramVersions {
  private readonly known = new Map<string, Program>();

  constructor(private readonly programs: Pick<ProgramService, 'at'>) {}

  /** Inside a transaction, pass it: on SQLite the transaction holds the only connection. */
  async at(programId: number, version: number, db?: Knex | Knex.Transaction): Promise<Program> {
    const key = `${programId}:${version}`;
    const hit = this.known.get(key);
    if (hit) return hit;
    const program = await this.programs.at(programId, version, db);
    if (!program) throw new Error(`program ${programId} is missing`);
    if (program.version !== version) throw new Error(`program ${programId} was read as version ${program.version}, not ${version}`);
    this.known.set(key, program);
    return program;
  }
}
