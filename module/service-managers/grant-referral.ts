import type { Referral } from '../attribution/assignment-service';
import type { Program } from '../programs/program-service';
import type { GRANT_MOVES_REFERRAL } from '../programs/definition';

export type GrantMovesReferral = (typeof GRANT_MOVES_REFERRAL)[number];

/**
 * What a grant does to who earns on the client's invoices (the referral), beside what it always
 * does, making the agent the client's service manager (who may act):
 * - assign: the client has no live referral; the service manager becomes the agent who earns;
 * - already: the service manager already earns on the client;
 * - request: another agent's live referral, kept until an admin approves the move;
 * - keep: nothing moves (the program says never; or another agent's referral under
 *   unreferred_only; or this agent's own referral of the client, which an admin ended).
 */
export type ReferralPlan = 'assign' | 'already' | 'request' | 'keep';

/** The program's `grant_moves_referral`; unset, a grant assigns only a client no one else has. */
export function grantMovesReferral(program: Program): GrantMovesReferral {
  return program.def.grant_moves_referral ?? 'unreferred_only';
}

export function referralPlan(existing: Referral | null, agentId: number, mode: GrantMovesReferral): ReferralPlan {
  const live = existing && existing.endedAt === null ? existing : null;
  if (live?.agentId === agentId) return 'already';
  if (mode === 'never') return 'keep';
  if (live) return mode === 'with_admin_approval' ? 'request' : 'keep';
  // An admin ended this agent's referral of the client (or rejected it on review): a grant does not undo that.
  if (existing?.agentId === agentId) return 'keep';
  return 'assign';
}
