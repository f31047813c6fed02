import type { Knex } from 'knex';
import { z } from 'zod';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import { asRows, num, rowOrNull, text } from '../db/columns';
import { T } from '../db/tables';

/** What a saved report keeps: the choices of the report form, never its figures. */
export const savedParams = z.object({
  period: z.enum(['7d', '30d', '90d', '12m', 'custom']),
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  group: z.enum(['day', 'month', 'program', 'source', 'country']),
  program: z.string().max(12).optional(),
  source: z.string().max(32).optional(),
  country: z.string().max(2).optional(),
});
export type SavedParams = z.infer<typeof savedParams>;

export interface SavedReport {
  id: number;
  name: string;
  params: SavedParams;
  createdAt: number;
}

/** An agent may keep this many; the list is a menu, not an archive. */
export const MAX_SAVED = 50;

/** An agent's reports saved under a name (the CloudSigma partner platform's "save report"). Each agent sees only their own. */
export class SavedReports {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async list(agentId: number): Promise<SavedReport[]> {
    return asRows(await this.db(T.savedReports).where({ agent_id: agentId }).orderBy('name').limit(MAX_SAVED)).map(toReport);
  }

  /** The agent's own saved report, or null (another agent's is as absent as a missing one). */
  async mine(agentId: number, id: number): Promise<SavedReport | null> {
    const row = rowOrNull(await this.db(T.savedReports).where({ agent_id: agentId, id }).first());
    return row ? toReport(row) : null;
  }

  /** Saves under a name; the same name again replaces that report's choices. */
  async save(agentId: number, name: string, params: SavedParams): Promise<SavedReport> {
    const trimmed = name.trim();
    if (trimmed.length < 1 || trimmed.length > 100) throw new RuleError('reports.error.name', 'name');
    const json = JSON.stringify(savedParams.parse(params));
    const existing = rowOrNull(await this.db(T.savedReports).where({ agent_id: agentId, name: trimmed }).first('id'));
    if (existing) {
      await this.db(T.savedReports)
        .where({ id: num(existing.id) })
        .update({ params: json });
      return (await this.mine(agentId, num(existing.id))) as SavedReport;
    }
    const count = num(rowOrNull(await this.db(T.savedReports).where({ agent_id: agentId }).count({ n: '*' }).first())?.n ?? 0);
    if (count >= MAX_SAVED) throw new RuleError('reports.error.too_many', 'name', { n: MAX_SAVED });
    await this.db(T.savedReports).insert({ agent_id: agentId, name: trimmed, params: json, created_at: this.clock.now() }).onConflict(['agent_id', 'name']).merge(['params']);
    const row = rowOrNull(await this.db(T.savedReports).where({ agent_id: agentId, name: trimmed }).first());
    if (!row) throw new Error('saved report vanished');
    return toReport(row);
  }

  /** Deletes the agent's own report; false when it was not theirs or not there. */
  async remove(agentId: number, id: number): Promise<boolean> {
    return (await this.db(T.savedReports).where({ agent_id: agentId, id }).delete()) > 0;
  }
}

function toReport(r: Record<string, unknown>): SavedReport {
  const parsed = savedParams.safeParse(JSON.parse(text(r.params)));
  return { id: num(r.id), name: text(r.name), params: parsed.success ? parsed.data : { period: '30d', group: 'day' }, createdAt: num(r.created_at) };
}
