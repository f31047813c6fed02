import type { Knex } from 'knex';
import { T } from '../db/tables';
import { RuleError } from '../core/errors';
import type { Clock } from '../core/clock';
import { asRows, num, text } from '../db/columns';
import type { ChecklistItem } from '../programs/definition';

/** An agent's checklist answers by item key: '1' for a check, the number for a count, the level's key. */
export type ChecklistState = Map<string, string>;

/** Whether an answer meets the item's minimum. */
export function itemMet(item: ChecklistItem, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (item.type === 'check') return value === '1';
  if (item.type === 'count') return typeof item.min === 'number' && Number(value) >= item.min;
  return typeof item.min === 'string' && item.levels.indexOf(value) >= item.levels.indexOf(item.min) && item.levels.includes(value);
}

/** The admin's answers per agent; every change logged with who and when. */
export class ChecklistStore {
  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
  ) {}

  async of(agentId: number): Promise<ChecklistState> {
    const rows = asRows(await this.db(T.agentChecklist).where({ agent_id: agentId }));
    return new Map(rows.map((r) => [text(r.item), text(r.value)]));
  }

  /** Every agent's answers of a program, in one query. */
  async ofProgram(programId: number): Promise<Map<number, ChecklistState>> {
    const rows = asRows(await this.db(`${T.agentChecklist} as k`).join(`${T.agents} as a`, 'a.id', 'k.agent_id').where('a.program_id', programId).select('k.agent_id', 'k.item', 'k.value'));
    const out = new Map<number, ChecklistState>();
    for (const r of rows) {
      const id = num(r.agent_id);
      const state = out.get(id) ?? new Map<string, string>();
      state.set(text(r.item), text(r.value));
      out.set(id, state);
    }
    return out;
  }

  /**
   * Sets the agent's answers to the items (the admin's form: every item of the program, an
   * empty answer clearing it); logs each one that changed.
   */
  async set(agentId: number, items: ChecklistItem[], answers: Record<string, string>, actor: string): Promise<number> {
    const values = new Map<string, string | null>();
    for (const item of items) values.set(item.key, answerOf(item, (answers[item.key] ?? '').trim()));
    const before = await this.of(agentId);
    let changed = 0;
    await this.db.transaction(async (trx) => {
      for (const [item, value] of values) {
        if ((before.get(item) ?? null) === value) continue;
        changed++;
        const now = this.clock.now();
        await trx(T.agentChecklist).where({ agent_id: agentId, item }).delete();
        if (value !== null) await trx(T.agentChecklist).insert({ agent_id: agentId, item, value, actor, updated_at: now });
        await trx(T.checklistLog).insert({ agent_id: agentId, item, value, actor, created_at: now });
      }
    });
    return changed;
  }
}

/** The stored value of a typed answer, or null (cleared); a RuleError names the item. */
function answerOf(item: ChecklistItem, typed: string): string | null {
  if (typed === '' || (item.type === 'check' && typed === '0')) return null;
  if (item.type === 'check') {
    if (typed !== '1') throw new RuleError('tiers.error.check', item.key);
    return '1';
  }
  if (item.type === 'count') {
    if (!/^\d{1,4}$/.test(typed)) throw new RuleError('tiers.error.count', item.key);
    return Number(typed) ? String(Number(typed)) : null;
  }
  if (!item.levels.includes(typed)) throw new RuleError('tiers.error.level', item.key, { levels: item.levels.join(', ') });
  return typed;
}
