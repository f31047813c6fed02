import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { RuleError, errorMessage } from '../core/errors';
import type { HostApi } from '../contract/host-api';
import type { Ledger } from '../ledger/ledger';
import type { AgentService } from '../agents/agent-service';
import { neg } from '../money/amount';
import { rowOrNull, text } from '../db/columns';
import { inTransaction } from '../db/transaction';
import type { Withdrawal, WithdrawalService } from './withdrawal-service';

/** Renders an e-mail; given the recipient's client id, in the language they read the module in. */
type RenderEmail = (template: string, data: Record<string, unknown>, recipientClientId?: number) => Promise<{ subject: string; text: string }>;

/** How a request ends before it is paid. */
export type Ending = 'rejected' | 'cancelled';

export interface WithdrawalEndingDeps {
  db: Knex;
  ledger: Pick<Ledger, 'post'>;
  withdrawals: Pick<WithdrawalService, 'get'>;
  agents: Pick<AgentService, 'get'>;
  host: Pick<HostApi, 'getClient' | 'sendEmail'>;
  render: RenderEmail;
  clock: Clock;
  logger: Logger;
}

const REASON_MAX = 255;

/**
 * A withdrawal request ended before it was paid: rejected or cancelled by an admin with a reason
 * (the agent is e-mailed), or cancelled by the agent while it is only requested (not yet in a
 * payout batch). The money goes back from reserved to available in the same transaction as the
 * status change, which is a conditional UPDATE … WHERE status = 'requested': of two admins (or an
 * admin and a batch) acting at once, exactly one changes the row and the other is refused.
 */
export class WithdrawalEnding {
  constructor(private readonly d: WithdrawalEndingDeps) {}

  reject(withdrawalId: number, adminId: number, reason: string): Promise<Withdrawal> {
    return this.byAdmin(withdrawalId, adminId, reason, 'rejected');
  }

  cancel(withdrawalId: number, adminId: number, reason: string): Promise<Withdrawal> {
    return this.byAdmin(withdrawalId, adminId, reason, 'cancelled');
  }

  /** The agent's own request, cancelled by the agent; another agent's is as unknown as a missing one. */
  async cancelOwn(agentId: number, withdrawalId: number): Promise<Withdrawal> {
    const w = await this.d.withdrawals.get(withdrawalId);
    if (!w || w.agentId !== agentId) throw new RuleError('withdrawal_end.error.not_found', 'withdrawal_id');
    return this.end(w, 'cancelled', null, null);
  }

  private async byAdmin(withdrawalId: number, adminId: number, reasonText: string, ending: Ending): Promise<Withdrawal> {
    const reason = reasonText.trim();
    if (!reason) throw new RuleError('withdrawal_end.error.reason_required', 'reason');
    if (reason.length > REASON_MAX) throw new RuleError('withdrawal_end.error.reason_too_long', 'reason', { max: REASON_MAX });
    const w = await this.d.withdrawals.get(withdrawalId);
    if (!w) throw new RuleError('withdrawal_end.error.not_found', 'withdrawal_id');
    const ended = await this.end(w, ending, reason, adminId);
    await this.tell(ended, ending, reason);
    return ended;
  }

  private async end(w: Withdrawal, ending: Ending, reason: string | null, adminId: number | null): Promise<Withdrawal> {
    const now = this.d.clock.now();
    await inTransaction(this.d.db, async (trx) => {
      const changed = await trx(T.withdrawals).where({ id: w.id, status: 'requested' }).update({ status: ending, reason, ended_at: now, ended_by_admin: adminId });
      if (changed !== 1) {
        const row = rowOrNull(await trx(T.withdrawals).where({ id: w.id }).first('status'));
        if (!row) throw new RuleError('withdrawal_end.error.not_found', 'withdrawal_id');
        const status = text(row.status);
        const key = status === 'in_batch' ? 'withdrawal_end.error.in_batch' : 'withdrawal_end.error.not_requested';
        throw new RuleError(key, 'withdrawal_id', { status });
      }
      await this.d.ledger.post(trx, {
        idemKey: `return:${w.id}`,
        kind: 'return',
        currency: w.currency,
        memo: adminId === null ? `withdrawal ${w.id} cancelled by the agent` : `withdrawal ${w.id} ${ending} by admin ${adminId}`,
        withdrawalId: w.id,
        postings: [
          { agentId: w.agentId, account: 'reserved', amount: neg(w.amount) },
          { agentId: w.agentId, account: 'available', amount: w.amount },
        ],
      });
    });
    const ended = await this.d.withdrawals.get(w.id);
    if (!ended) throw new Error(`withdrawal ${w.id}, just ended, cannot be read back`);
    return ended;
  }

  /** After the commit: a failed e-mail is logged and does not undo the ending. */
  private async tell(w: Withdrawal, ending: Ending, reason: string): Promise<void> {
    try {
      const agent = await this.d.agents.get(w.agentId);
      const client = agent ? await this.d.host.getClient(agent.clientId) : null;
      if (!client) return;
      const mail = await this.d.render(
        'withdrawal-ended',
        {
          client: { name: `${client.firstname} ${client.lastname}`.trim() },
          withdrawal: { id: w.id, amount: w.amount, currency: w.currency },
          ending,
          reason,
        },
        client.id,
      );
      await this.d.host.sendEmail({ to: client.email, subject: mail.subject, text: mail.text });
    } catch (e) {
      this.d.logger.error('withdrawal e-mail failed', { withdrawal: w.id, ending, error: errorMessage(e) });
    }
  }
}
