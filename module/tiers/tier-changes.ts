import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import { inTransaction } from '../db/transaction';
import { noOutbox, type Outbox } from '../core/outbox';
import { asRow, num } from '../db/columns';
import type { Program } from '../programs/program-service';
import { dayOf } from './periods';
import { DateTime } from 'luxon';
import type { ClientReassigner, ProbationRestarter } from './client-reassigner';
import type { TierChange, TierHistory } from './history';

/**
 * Puts recorded tier changes into effect on their day, and records an admin's override. A change
 * is applied once (applied_at set under its row), with the agent's new tier in the same
 * transaction, and, for a demotion to the default tier where the program says so, the agent's
 * clients reassigned.
 */
export class TierChanges {
  constructor(
    private readonly db: Knex,
    private readonly history: Pick<TierHistory, 'due' | 'get' | 'record'>,
    private readonly programs: { get(id: number, db?: Knex | Knex.Transaction): Promise<Program | null> },
    private readonly clock: Clock,
    private readonly reassigner: ClientReassigner | null = null,
    private readonly probation: ProbationRestarter | null = null,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  /** Every change whose day has come; returns how many this call applied. */
  async applyDue(): Promise<number> {
    let applied = 0;
    for (;;) {
      const due = await this.history.due(this.clock.now());
      if (!due.length) return applied;
      for (const c of due) if (await this.apply(c.id)) applied++;
      if (due.length < 500) return applied;
    }
  }

  /** Applies one change unless another run did; true when this call did. */
  async apply(id: number): Promise<boolean> {
    return inTransaction(this.db, (trx) => this.applyIn(trx, id));
  }

  /** apply() inside the caller's transaction. */
  async applyIn(trx: Knex.Transaction, id: number): Promise<boolean> {
    const claimed = await trx(T.tierHistory).where({ id }).whereNull('applied_at').update({ applied_at: this.clock.now() });
    if (!claimed) return false;
    const c = await this.history.get(id, trx);
    if (!c) return false;
    const program = await this.programs.get(c.programId, trx);
    if (program) await this.effects(trx, c, program);
    return true;
  }

  /**
   * What a change does once in effect: the agent's tier, and for a demotion to the default tier
   * where the program says so, their clients reassigned. The caller has claimed the change (its
   * applied_at, or the insert of a change recorded already in effect), so this runs once.
   */
  async effects(trx: Knex.Transaction, c: Pick<TierChange, 'agentId' | 'programId' | 'fromTier' | 'toTier' | 'rule' | 'period' | 'effectiveOn' | 'effectiveAt'>, program: Program): Promise<void> {
    await this.effectsMany(trx, [c], program);
  }

  /** effects() for many changes of one program: the tiers set in one statement per tier. */
  async effectsMany(
    trx: Knex.Transaction,
    cs: Pick<TierChange, 'agentId' | 'programId' | 'fromTier' | 'toTier' | 'rule' | 'period' | 'effectiveOn' | 'effectiveAt'>[],
    program: Program,
  ): Promise<void> {
    const byTier = new Map<string, number[]>();
    for (const c of cs) byTier.set(c.toTier, [...(byTier.get(c.toTier) ?? []), c.agentId]);
    for (const [tier, ids] of byTier) await trx(T.agents).whereIn('id', ids).update({ tier });
    for (const c of cs)
      if (c.fromTier !== c.toTier) await this.outbox.add(trx, 'agent.tier_changed', { agent_id: c.agentId, program_id: c.programId, from_tier: c.fromTier, to_tier: c.toTier, rule: c.rule });
    const onDemote = program.def.evaluation?.on_demote_to_default;
    for (const c of cs) {
      if (c.rule === 'admin' || c.toTier !== program.def.default_tier || c.fromTier === c.toTier) continue;
      if (onDemote?.reassign_clients && this.reassigner) await this.reassigner.reassignAll(c.agentId, c.programId, `demoted to ${c.toTier} (${c.period ?? c.effectiveOn})`, trx);
      // Back on the entry tier, the agent starts again: where it is the probation tier, a new probation from the day it applies.
      if (onDemote?.restart_tiering && this.probation) await this.probation.restart(c.agentId, c.effectiveAt, trx);
    }
  }

  /**
   * An admin sets the agent's tier with a reason, at once; logged in the history like any change.
   * The next evaluation judges the agent again.
   */
  async override(agentId: number, tier: string, reason: string, actor: string): Promise<TierChange> {
    const why = reason.trim();
    if (!why) throw new RuleError('tiers.error.reason_required', 'reason');
    const row: unknown = await this.db(T.agents).where({ id: agentId }).first('program_id', 'tier');
    if (!row) throw new RuleError('errors.agent_missing', 'agent_id', { agent: agentId });
    const r = asRow(row);
    const program = await this.programs.get(num(r.program_id));
    if (!program) throw new Error(`agent ${agentId}'s program does not exist`);
    if (!program.def.tiers.some((t) => t.key === tier)) throw new RuleError('errors.no_tier', 'tier', { tier });
    const now = this.clock.now();
    const id = await this.history.record(this.db, {
      agentId,
      programId: program.id,
      fromTier: typeof r.tier === 'string' && r.tier ? r.tier : null,
      toTier: tier,
      effectiveOn: dayOf(DateTime.fromMillis(now, { zone: program.timezone })),
      effectiveAt: now,
      rule: 'admin',
      period: null,
      figures: null,
      keptUntil: null,
      actor,
      reason: why,
      decisionKey: null,
      createdAt: now,
    });
    if (id === null) throw new Error('an override has no key and cannot collide');
    await this.apply(id);
    const c = await this.history.get(id);
    if (!c) throw new Error(`tier change ${id} vanished`);
    return c;
  }
}
