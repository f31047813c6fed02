import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { ProgramService } from '../programs/program-service';
import { asRows, num, stringOrNull } from '../db/columns';
import type { AssignmentService } from './assignment-service';

/**
 * Takes every client from an agent who lost them (a failed probation, a demotion to the entry
 * tier) and gives each to another agent by one documented, deterministic rule: the active agents
 * of the program's highest tier that has any (tiers are listed lowest first); among them the one
 * with the fewest clients assigned now; ties to the lowest agent id. Loads are counted again after
 * each move, so the clients spread. Each move is an assignment log line with the reason. With no
 * other active agent in the program, the client is unassigned (logged likewise).
 */
export class ReassignmentService {
  constructor(
    private readonly assignments: Pick<AssignmentService, 'assign' | 'unassign'>,
    private readonly programs: Pick<ProgramService, 'get'>,
  ) {}

  /** Runs in the caller's transaction; clients in id order, so the outcome is the same on every run. Returns how many moved. */
  async reassignAll(agentId: number, programId: number, reason: string, trx: Knex.Transaction): Promise<number> {
    const clients = (await trx(T.referrals).where({ agent_id: agentId }).whereNull('ended_at').whereNull('closed_at').orderBy('client_id').forUpdate().pluck('client_id')).map(num);
    if (!clients.length) return 0;
    const targets = await this.targets(trx, agentId, programId);
    for (const clientId of clients) {
      // An agent is never given their own client account (no self-referral).
      const to = pickLeastLoaded(targets.filter((t) => t.clientId !== clientId));
      if (to === null) {
        await this.assignments.unassign(clientId, agentId, 'system', `${reason}; no other active agent to take the client`, trx);
        continue;
      }
      await this.assignments.assign(clientId, to.id, 'system', reason, 'reassigned', trx);
      to.load++;
    }
    return clients.length;
  }

  /** The active agents of the highest tier that has any, other than the one losing clients, with their loads. */
  private async targets(trx: Knex.Transaction, agentId: number, programId: number): Promise<{ id: number; clientId: number; load: number }[]> {
    const program = await this.programs.get(programId, trx);
    if (!program) throw new Error(`program ${programId} is missing`);
    const agents = asRows(await trx(T.agents).where({ program_id: programId, status: 'active' }).whereNot('id', agentId).select('id', 'client_id', 'tier'));
    const rank = (tier: string | null) => program.def.tiers.findIndex((t) => t.key === tier);
    const top = Math.max(-1, ...agents.map((a) => rank(stringOrNull(a.tier))));
    const highest = agents.filter((a) => rank(stringOrNull(a.tier)) === top);
    const chosen = highest.map((a) => num(a.id));
    if (!chosen.length) return [];
    const loads = asRows(await trx(T.referrals).whereIn('agent_id', chosen).whereNull('ended_at').whereNull('closed_at').groupBy('agent_id').select('agent_id', trx.raw('count(*) as n')));
    const loadOf = new Map(loads.map((r) => [num(r.agent_id), num(r.n)]));
    return highest.map((a) => ({ id: num(a.id), clientId: num(a.client_id), load: loadOf.get(num(a.id)) ?? 0 }));
  }
}

/** The least-loaded target, ties to the lowest id; null when there is none. */
function pickLeastLoaded<A extends { id: number; load: number }>(targets: A[]): A | null {
  let best: A | null = null;
  for (const t of targets) if (!best || t.load < best.load || (t.load === best.load && t.id < best.id)) best = t;
  return best;
}
