import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError } from '../core/errors';
import { inTransaction } from '../db/transaction';
import { asRow, asRows, num, oneOf, rowOrNull, stringOrNull, text } from '../db/columns';
import type { AssignmentService } from './assignment-service';

const MOVE_STATUSES = ['open', 'approved', 'declined', 'withdrawn'] as const;

/**
 * A client referred by one agent made another their service manager, in a program whose grants
 * move the referral only with an admin's approval (`grant_moves_referral: with_admin_approval`).
 * Until an admin approves, the referring agent goes on earning.
 */
export interface ReferralMove {
  kind: 'referral_move';
  id: number;
  clientId: number;
  fromAgentId: number;
  toAgentId: number;
  status: (typeof MOVE_STATUSES)[number];
  /** A self-referral sign the grant showed (the service manager's e-mail, device…), or null. */
  warning: string | null;
  requestedBy: string;
  createdAt: number;
}

function moveFromRow(value: unknown): ReferralMove {
  const r = asRow(value);
  return {
    kind: 'referral_move',
    id: num(r.id),
    clientId: num(r.client_id),
    fromAgentId: num(r.from_agent_id),
    toAgentId: num(r.to_agent_id),
    status: oneOf(MOVE_STATUSES, r.status),
    warning: stringOrNull(r.warning),
    requestedBy: text(r.requested_by),
    createdAt: num(r.created_at),
  };
}

/**
 * Requests to move a referral to the client's new service manager. At most one is open per
 * client (a unique column set only while open); a later grant or a revoke withdraws it, so an
 * open request always names the client's current service manager.
 */
export class ReferralMoveService {
  constructor(
    private readonly db: Knex,
    private readonly assignments: Pick<AssignmentService, 'assign'>,
    private readonly clock: Clock,
  ) {}

  /** In the grant's transaction: withdraws any open request of the client, then opens this one. */
  async request(trx: Knex.Transaction, move: { clientId: number; fromAgentId: number; toAgentId: number; requestedBy: string; warning: string | null }): Promise<void> {
    await this.withdraw(trx, move.clientId, move.requestedBy);
    await trx(T.referralMoves).insert({
      client_id: move.clientId,
      open_client_id: move.clientId,
      from_agent_id: move.fromAgentId,
      to_agent_id: move.toAgentId,
      status: 'open',
      warning: move.warning,
      requested_by: move.requestedBy.slice(0, 120),
      created_at: this.clock.now(),
    });
  }

  /** In a grant's or a revoke's transaction: the client's open request no longer stands. */
  async withdraw(trx: Knex.Transaction, clientId: number, by: string): Promise<void> {
    await trx(T.referralMoves)
      .where({ open_client_id: clientId })
      .update({ status: 'withdrawn', open_client_id: null, decided_by: by.slice(0, 120), decided_at: this.clock.now() });
  }

  async listOpen(limit = 200): Promise<ReferralMove[]> {
    return asRows(await this.db(T.referralMoves).where({ status: 'open' }).orderBy('id').limit(limit)).map(moveFromRow);
  }

  async forClient(clientId: number): Promise<ReferralMove[]> {
    return asRows(await this.db(T.referralMoves).where({ client_id: clientId }).orderBy('id')).map(moveFromRow);
  }

  /**
   * The admin lets the service manager earn: the referral moves to them, logged with the admin's
   * reason and what it replaced. Refused when the referral changed since the request.
   */
  async approve(moveId: number, admin: string, reason: string): Promise<void> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    await inTransaction(this.db, async (trx) => {
      const move = await this.decide(trx, moveId, 'approved', admin, reason);
      const live = rowOrNull(await trx(T.referrals).where({ client_id: move.clientId }).whereNull('ended_at').forUpdate().first('agent_id'));
      if (!live || num(live.agent_id) !== move.fromAgentId) throw new RuleError('referral_moves.error.changed', 'move_id');
      await this.assignments.assign(move.clientId, move.toAgentId, admin, `referral moved to the service manager (request #${move.id}): ${reason}`, 'service_manager', trx);
    });
  }

  /** The admin keeps the referral where it is; the service manager keeps their access. */
  async decline(moveId: number, admin: string, reason: string): Promise<void> {
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    await inTransaction(this.db, (trx) => this.decide(trx, moveId, 'declined', admin, reason));
  }

  private async decide(trx: Knex.Transaction, moveId: number, status: 'approved' | 'declined', admin: string, reason: string): Promise<ReferralMove> {
    const n = await trx(T.referralMoves)
      .where({ id: moveId, status: 'open' })
      .update({ status, open_client_id: null, decided_by: admin.slice(0, 120), decision_reason: reason.slice(0, 255), decided_at: this.clock.now() });
    if (!n) throw new RuleError('referral_moves.error.decided', 'move_id');
    return moveFromRow(await trx(T.referralMoves).where({ id: moveId }).first());
  }
}
