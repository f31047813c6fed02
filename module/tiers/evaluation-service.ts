import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import { activeAgents, evaluatedSince, type AgentRow } from './program-agents';
import type { Clock } from '../core/clock';
import { inTransaction } from '../db/transaction';
import type { Program } from '../programs/program-service';
import type { EvaluationDefinition } from '../programs/definition';
import { dayOf, endedPeriods, monthsFrom, nextMonthStart, periodAt, type Period } from './periods';
import { measure, NO_FIGURES } from './measurement';
import { decide, rankOf, type Measured } from './tier-rules';
import type { ChecklistStore } from './checklist';
import type { TierChange, TierHistory } from './history';
import type { TierChanges } from './tier-changes';
import type { TierMail } from './tier-mail';

/** A change the evaluation decided, before it is recorded. */
interface Decision {
  agent: AgentRow;
  from: string | null;
  to: string;
  effective: DateTime;
  keptUntil: string | null;
  rule: 'evaluation' | 'mid_period_upgrade';
  period: string;
  key: string;
  m: Measured;
  reason: string;
  up: boolean;
}

/** What one daily run did. */
export interface EvaluationRun {
  periods: string[];
  changes: number;
  applied: number;
}

/**
 * The daily evaluation (issue #11 §3), for every program with an `evaluation` section: each whole
 * period that ended since the last run is evaluated once, oldest first (a cron that missed days
 * catches up); a mid-period upgrade is looked for in the running period; changes whose day has
 * come are applied. Every decision has a key (agent and period), so that two nodes at once, or a
 * run repeated after a crash, decide it once: the history's unique key refuses the second.
 */
export class TierEvaluationService {
  constructor(
    private readonly db: Knex,
    private readonly programs: { list(): Promise<Program[]> },
    private readonly history: Pick<TierHistory, 'record' | 'recordMany' | 'latestOfProgram'>,
    private readonly changes: Pick<TierChanges, 'effectsMany' | 'applyDue'>,
    private readonly checklists: Pick<ChecklistStore, 'ofProgram'>,
    private readonly mail: Pick<TierMail, 'changed'> | null,
    private readonly clock: Clock,
  ) {}

  async runDaily(): Promise<EvaluationRun> {
    const run: EvaluationRun = { periods: [], changes: 0, applied: await this.changes.applyDue() };
    for (const program of await this.programs.list()) {
      const ev = program.def.evaluation;
      if (!ev) continue;
      const since = await evaluatedSince(this.db, program.id);
      if (since === null) continue;
      for (const period of endedPeriods(ev.period, since, this.clock.now(), program.timezone)) {
        if (await this.db(T.tierRuns).where({ program_id: program.id, period: period.key }).first('period')) continue;
        run.changes += await this.evaluatePeriod(program, ev, period);
        await this.db(T.tierRuns).insert({ program_id: program.id, period: period.key, ran_at: this.clock.now() }).onConflict(['program_id', 'period']).ignore();
        run.periods.push(`${program.slug}:${period.key}`);
        run.applied += await this.changes.applyDue();
      }
      if (ev.mid_period_upgrade === 'next_month') run.changes += await this.midPeriod(program, ev);
    }
    run.applied += await this.changes.applyDue();
    return run;
  }

  /** The facts every decision of a program reads, each in one query. */
  private async facts(program: Program, from: number, to: number) {
    const [agents, figures, checklists, latest] = await Promise.all([
      activeAgents(this.db, program.id),
      measure(this.db, program.id, program.currency, from, to),
      this.checklists.ofProgram(program.id),
      this.history.latestOfProgram(program.id),
    ]);
    return { agents, figures, checklists, latest };
  }

  /** The agent's tier now, or the one a recorded change will give them. */
  private static current(agent: AgentRow, latest: TierChange | undefined): string | null {
    return latest && latest.appliedAt === null ? latest.toTier : agent.tier;
  }

  /** Where the agent's tiering starts: joining, or the last demotion to the default tier that restarted it. */
  private static tieringStart(program: Program, agent: AgentRow, latest: TierChange | undefined): number {
    const restart = program.def.evaluation?.on_demote_to_default?.restart_tiering;
    if (restart && latest && latest.rule === 'evaluation' && latest.toTier === program.def.default_tier) return Math.max(agent.createdAt, latest.effectiveAt);
    return agent.createdAt;
  }

  private async evaluatePeriod(program: Program, ev: EvaluationDefinition, period: Period): Promise<number> {
    const def = program.def;
    const { agents, figures, checklists, latest } = await this.facts(program, period.start.toMillis(), period.end.toMillis());
    const now = this.clock.now();
    const effective = ev.effective === 'immediately' ? DateTime.fromMillis(now, { zone: program.timezone }) : ev.effective === 'next_month' ? nextMonthStart(now, program.timezone) : period.end;
    const decisions: Decision[] = [];
    for (const agent of agents) {
      const last = latest.get(agent.id);
      const start = TierEvaluationService.tieringStart(program, agent, last);
      if (start >= period.end.toMillis()) continue;
      const m: Measured = { ...(figures.get(agent.id) ?? NO_FIGURES), months: monthsFrom(period, start), paidOrders: agent.paidOrders };
      const current = TierEvaluationService.current(agent, last);
      const decided = decide(def, m, checklists.get(agent.id) ?? new Map<string, string>());
      if (decided === null || decided === current) continue;
      const down = rankOf(def, decided) < rankOf(def, current);
      if (down && !ev.demote) continue;
      const effectiveOn = dayOf(effective);
      if (down && last && last.toTier === current && last.keptUntil !== null && last.keptUntil >= effectiveOn) continue;
      const keptUntil = !down && ev.keep === 'rest_of_year_and_next' ? `${period.start.year + 1}-12-31` : null;
      decisions.push({
        agent,
        from: current,
        to: decided,
        effective,
        keptUntil,
        rule: 'evaluation',
        period: period.key,
        key: `eval:${period.key}`,
        m,
        reason: `${ev.period} evaluation of ${period.key}`,
        up: !down,
      });
    }
    return this.decideAll(program, decisions);
  }

  /**
   * A partner whose figures so far in the running period already meet a higher tier's
   * requirement for the whole period (a year's sales commitment reached in June) moves up from
   * the 1st of the next month, once per period and tier.
   */
  private async midPeriod(program: Program, ev: EvaluationDefinition): Promise<number> {
    const def = program.def;
    const now = this.clock.now();
    const period = periodAt(ev.period, now, program.timezone);
    const { agents, figures, checklists, latest } = await this.facts(program, period.start.toMillis(), now + 1);
    const effective = nextMonthStart(now, program.timezone);
    const decisions: Decision[] = [];
    for (const agent of agents) {
      const last = latest.get(agent.id);
      const m: Measured = { ...(figures.get(agent.id) ?? NO_FIGURES), months: monthsFrom(period, TierEvaluationService.tieringStart(program, agent, last)), paidOrders: agent.paidOrders };
      const current = TierEvaluationService.current(agent, last);
      const decided = decide(def, m, checklists.get(agent.id) ?? new Map<string, string>());
      if (decided === null || rankOf(def, decided) <= rankOf(def, current)) continue;
      const keptUntil = ev.keep === 'rest_of_year_and_next' ? `${period.start.year + 1}-12-31` : null;
      decisions.push({
        agent,
        from: current,
        to: decided,
        effective,
        keptUntil,
        rule: 'mid_period_upgrade',
        period: period.key,
        key: `mid:${period.key}:${decided}`,
        m,
        reason: `reached ${decided} during ${period.key}`,
        up: true,
      });
    }
    return this.decideAll(program, decisions);
  }

  /**
   * Records the decisions, 200 to a transaction, each change applied in the same transaction when
   * its day has come; then e-mails the agents whose change this run recorded (a decision another
   * run or node recorded first is skipped by its key).
   */
  private async decideAll(program: Program, decisions: Decision[]): Promise<number> {
    let made = 0;
    for (let i = 0; i < decisions.length; i += 200) {
      const batch = decisions.slice(i, i + 200);
      const recorded = await inTransaction(this.db, async (trx) => {
        // A change already in effect is recorded applied, its effects in the same transaction:
        // the insert's unique key is the claim.
        const now = this.clock.now();
        const planned = batch.map((d) => ({ d, change: { ...this.changeOf(program, d), decisionKey: d.key, appliedAt: d.effective.toMillis() <= now ? now : null } }));
        const ids = await this.history.recordMany(
          trx,
          planned.map((p) => p.change),
        );
        const out: [Decision, TierChange][] = [];
        for (const { d, change } of planned) {
          // A key taken (another run or node decided some of these): each recorded on its own.
          const id = ids ? ids.get(d.agent.id) : await this.history.record(trx, change);
          if (id !== undefined && id !== null) out.push([d, { ...change, id }]);
        }
        await this.changes.effectsMany(
          trx,
          out.filter(([, c]) => c.appliedAt !== null).map(([, c]) => c),
          program,
        );
        return out;
      });
      made += recorded.length;
      if (this.mail) for (const [d, c] of recorded) await this.mail.changed(d.agent.clientId, program, c, d.up);
    }
    return made;
  }

  private changeOf(program: Program, d: Decision): Omit<TierChange, 'id' | 'appliedAt'> {
    return {
      agentId: d.agent.id,
      programId: program.id,
      fromTier: d.from,
      toTier: d.to,
      effectiveOn: dayOf(d.effective),
      effectiveAt: d.effective.toMillis(),
      rule: d.rule,
      period: d.period,
      figures: { salesMinor: d.m.salesMinor, currency: program.currency, months: d.m.months, newCustomers: d.m.newCustomers, paidOrders: d.m.paidOrders },
      keptUntil: d.keptUntil,
      actor: 'cron',
      reason: d.reason,
      createdAt: this.clock.now(),
    };
  }
}
