import type { Knex } from 'knex';
import { DateTime } from 'luxon';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { isUniqueViolation } from '../core/errors';
import { inTransaction } from '../db/transaction';
import type { Program, ProgramService } from '../programs/program-service';
import type { ProbationDefinition } from '../programs/probation-definition';
import { asRows, num, rowOrNull } from '../db/columns';
import { agentFromRow, type Agent } from '../agents/agent-service';
import type { RecurringForfeitureService } from '../commissions/recurring-forfeiture-service';
import type { ReassignmentService } from '../attribution/reassignment-service';
import { dayAfter, daysLeft, probationFromRow, type Probation } from './probation-row';
import type { ProbationWarnings } from './probation-warnings';

const SALES_ROLES = ['sales', 'sales+technical'];

export interface ProbationRun {
  started: number;
  warned: number;
  passed: number;
  failed: number;
  left: number;
}

/**
 * Cloud One's probation, from the daily cron, by the program's `probation` section: an agent on its
 * tier has `days` calendar days (program zone) from joining to make a paid sale. A sale ends it
 * (passed); leaving the tier ends it (left); warnings go out on the warn days; at the deadline
 * without a sale the agent's unpaid recurring commissions are forfeited and their clients are
 * reassigned (ReassignmentService's rule), in one transaction with the probation's end. Every
 * step is guarded by a row (a unique start, a conditional status change, a warning's key), so a
 * second run or a second node does nothing, and a run after missed days catches up.
 */
export class ProbationService {
  constructor(
    private readonly db: Knex,
    private readonly programs: Pick<ProgramService, 'list' | 'get' | 'terms'>,
    private readonly forfeiture: Pick<RecurringForfeitureService, 'forfeitUnpaidRecurring'>,
    private readonly reassignment: Pick<ReassignmentService, 'reassignAll'>,
    private readonly warnings: Pick<ProbationWarnings, 'due'>,
    private readonly clock: Clock,
  ) {}

  async runDue(): Promise<ProbationRun> {
    const run: ProbationRun = { started: 0, warned: 0, passed: 0, failed: 0, left: 0 };
    for (const program of await this.programs.list()) {
      const rules = program.def.probation;
      if (!rules) continue;
      run.started += await this.startJoined(program, rules);
      const open = asRows(await this.db(T.probations).where({ program_id: program.id, status: 'open' }).orderBy('id')).map(probationFromRow);
      for (const p of open) {
        const row: unknown = await this.db(T.agents).where({ id: p.agentId }).first();
        if (!row) continue;
        const agent = agentFromRow(row);
        // A blocked agent has lost everything unpaid already; a reactivated one carries on.
        if (agent.status !== 'active') continue;
        if (agent.tier !== p.tier) run.left += await this.end(p, 'left');
        else if (await this.soldDuring(p)) run.passed += await this.end(p, 'passed');
        else if (this.clock.now() >= p.deadlineAt) run.failed += await this.fail(p, rules, program);
        else run.warned += await this.warnings.due(p, rules, program, agent.clientId);
      }
    }
    return run;
  }

  /**
   * A probation from `at` (the tiers' evaluation calls it when it moves an agent down to the
   * probation tier with restart_tiering): any open one ends as left. In the caller's transaction when given.
   */
  async restart(agentId: number, at: number, outer?: Knex.Transaction): Promise<void> {
    const work = async (trx: Knex.Transaction) => {
      const row: unknown = await trx(T.agents).where({ id: agentId }).first();
      if (!row) return;
      const agent = agentFromRow(row);
      const program = await this.programs.get(agent.programId, trx);
      const rules = program?.def.probation;
      if (!program || !rules || agent.tier !== rules.tier) return;
      await trx(T.probations).where({ agent_id: agentId, status: 'open' }).update({ status: 'left', ended_at: this.clock.now() });
      await this.insert(trx, agent, program, rules, at);
    };
    if (outer) await work(outer);
    else await inTransaction(this.db, work);
  }

  /** The agent's countdown while on probation without a sale yet, for their page. */
  async countdown(agentId: number): Promise<{ daysLeft: number; lastDay: number } | null> {
    const row = rowOrNull(await this.db(T.probations).where({ agent_id: agentId, status: 'open' }).orderBy('id', 'desc').first());
    if (!row) return null;
    const p = probationFromRow(row);
    const program = await this.programs.get(p.programId);
    if (!program || (await this.soldDuring(p))) return null;
    // Today counts: on the last day before the deadline, one day is left. lastDay: its last instant.
    return { daysLeft: daysLeft(this.clock.now(), p.deadlineAt, program.timezone), lastDay: p.deadlineAt - 1 };
  }

  /** Agents on the probation tier who never had a probation: theirs started the day they joined. */
  private async startJoined(program: Program, rules: ProbationDefinition): Promise<number> {
    const fresh = asRows(
      await this.db(T.agents)
        .where({ program_id: program.id, status: 'active', tier: rules.tier })
        .whereNotExists((q) => {
          void q.select('id').from(T.probations).whereRaw('??.agent_id = ??.id', [T.probations, T.agents]);
        })
        .orderBy('id'),
    ).map(agentFromRow);
    if (!fresh.length) return 0;
    const since = await this.probationSince(program.id);
    let started = 0;
    for (const agent of fresh) started += await this.insert(this.db, agent, program, rules, Math.max(agent.createdAt, since, await this.movedToTierAt(agent.id, rules.tier)));
    return started;
  }

  /** When the tier history last moved the agent to the tier (0: never): a moved agent is on probation from then, not from joining. */
  private async movedToTierAt(agentId: number, tier: string): Promise<number> {
    const row = rowOrNull(await this.db(T.tierHistory).where({ agent_id: agentId, to_tier: tier }).where('effective_at', '<=', this.clock.now()).max({ at: 'effective_at' }).first());
    return row?.at === null || row?.at === undefined ? 0 : num(row.at);
  }

  /**
   * When the program's terms first had a probation: an agent who joined before it was written is
   * on probation from then, not from a day long past (which would fail them at the first run).
   */
  private async probationSince(programId: number): Promise<number> {
    for (const v of asRows(await this.db(T.programVersions).where({ program_id: programId }).orderBy('version').select('version', 'created_at'))) {
      if ((await this.programs.terms(programId, num(v.version))).probation) return num(v.created_at);
    }
    return this.clock.now();
  }

  private async insert(db: Knex | Knex.Transaction, agent: Agent, program: Program, rules: ProbationDefinition, at: number): Promise<number> {
    try {
      await db(T.probations).insert({
        agent_id: agent.id,
        program_id: program.id,
        tier: rules.tier,
        started_at: at,
        deadline_at: dayAfter(at, rules.days, program.timezone),
        status: 'open',
        ended_at: null,
      });
      return 1;
    } catch (e) {
      if (isUniqueViolation(e)) return 0; // another node started it
      throw e;
    }
  }

  /** A paid sale of the agent's, still standing, between the probation's start and its deadline. */
  private async soldDuring(p: Probation): Promise<boolean> {
    const sale: unknown = await this.db(T.commissions)
      .where({ agent_id: p.agentId })
      .whereIn('role', SALES_ROLES)
      .whereIn('status', ['pending', 'available'])
      .where('created_at', '>=', p.startedAt)
      .where('created_at', '<', p.deadlineAt)
      .first('id');
    return !!sale;
  }

  private async end(p: Probation, status: 'passed' | 'left'): Promise<number> {
    return this.db(T.probations).where({ id: p.id, status: 'open' }).update({ status, ended_at: this.clock.now() });
  }

  /** The deadline passed without a sale: the probation's end, the forfeiture and the moves, or none of them. */
  private async fail(p: Probation, rules: ProbationDefinition, program: Program): Promise<number> {
    const zone = program.timezone;
    const day = (ms: number) => DateTime.fromMillis(ms, { zone }).toFormat('d LLLL yyyy');
    const reason = `probation failed: no paid sale within ${rules.days} days of joining the ${p.tier} tier on ${day(p.startedAt)} (by ${day(p.deadlineAt - 1)})`;
    return inTransaction(this.db, async (trx) => {
      await trx(T.agents).where({ id: p.agentId }).forUpdate().first('id');
      const n = await trx(T.probations).where({ id: p.id, status: 'open' }).update({ status: 'failed', ended_at: this.clock.now() });
      if (!n) return 0;
      if (rules.on_fail.forfeit === 'unpaid_recurring') await this.forfeiture.forfeitUnpaidRecurring(trx, p.agentId, reason);
      if (rules.on_fail.reassign_clients === 'highest_tier_least_loaded') await this.reassignment.reassignAll(p.agentId, program.id, reason, trx);
      return 1;
    });
  }

  /** The agent's probations, newest first (admin page, tests). */
  async history(agentId: number): Promise<Probation[]> {
    return asRows(await this.db(T.probations).where({ agent_id: agentId }).orderBy('id', 'desc')).map(probationFromRow);
  }
}

export type { Probation };
