import type { Knex } from 'knex';

/**
 * Moves every client of an agent to other agents, each move logged with its reason. Declared
 * here, where a demotion to the default tier needs it (on_demote_to_default.reassign_clients);
 * module/attribution implements it and the composition root wires it. Runs inside the
 * transaction that applies the demotion, so that both happen or neither.
 */
export interface ClientReassigner {
  reassignAll(agentId: number, programId: number, reason: string, trx: Knex.Transaction): Promise<number>;
}

/**
 * Starts a new probation for an agent moved down to the program's probation tier
 * (on_demote_to_default.restart_tiering). Declared here for the same reason; module/probation
 * implements it. In the transaction that applies the demotion.
 */
export interface ProbationRestarter {
  restart(agentId: number, at: number, trx: Knex.Transaction): Promise<void>;
}
