import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { moneyValue, type Translate } from '../i18n/lang';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { HostApi, HostCredit } from '../contract/host-api';
import type { AgentService } from '../agents/agent-service';
import { minor, type Minor } from '../money/amount';
import type { Withdrawal } from '../withdrawals/withdrawal-service';

/** The statuses in which a withdrawal's money is still on its way to the agent. */
const CREDITABLE = new Set(['requested', 'in_batch', 'paid']);

export interface CreditPayoutDeps {
  db: Knex;
  host: Pick<HostApi, 'addCredit' | 'getClient'>;
  agents: Pick<AgentService, 'get'>;
  t: Translate;
  clock: Clock;
}

/**
 * Pays a withdrawal as credit on the agent's own client account in the billing platform (WHMCS's
 * "credit to account"): its net amount (amount − tax), in its currency, which must be the
 * client's. Idempotent by withdrawal: the host's credit carries the key agenttools-payout-<id>,
 * so that a retry, a crash between the host's answer and ours, or two nodes at once give one
 * credit; the module's row records it. It moves no money in the ledger: the batch that calls it
 * marks the line paid (key pay:<id>) as for any other method.
 */
export class CreditPayouts {
  constructor(private readonly d: CreditPayoutDeps) {}

  static keyOf(withdrawalId: number): string {
    return `agenttools-payout-${withdrawalId}`;
  }

  async creditPayout(w: Withdrawal): Promise<HostCredit> {
    if (!CREDITABLE.has(w.status)) throw new RuleError('payout_method.error.credit_status', 'withdrawal_id', { id: w.id, status: w.status });
    const agent = await this.d.agents.get(w.agentId);
    if (!agent) throw new Error(`withdrawal ${w.id} belongs to agent ${w.agentId}, who does not exist`);
    const client = await this.d.host.getClient(agent.clientId);
    if (!client) throw new RuleError('payout_method.error.credit_no_client', 'withdrawal_id', { id: w.id });
    if (client.currency !== w.currency) throw new RuleError('payout_method.error.credit_currency', 'withdrawal_id', { id: w.id, currency: w.currency, client: client.currency });
    const net = w.amount - w.tax;
    if (net <= 0) throw new RuleError('payout_method.error.credit_nothing', 'withdrawal_id', { id: w.id });
    // Written into the platform's credit log, in the module's language: the platform's records are in one language.
    const description = this.d.t('payout_method.credit_description', { id: w.id, amount: moneyValue(net, w.currency) });
    return this.credit({ withdrawalId: w.id, clientId: client.id, amount: minor(net), currency: w.currency, description });
  }

  /**
   * The one place a payout becomes credit in the host, for a single withdrawal and for a batch's
   * line alike (whose amount is the line's net, converted to the client's currency): the module's
   * row claims it, then the host credits it under the withdrawal's key, once however often asked.
   */
  async credit(c: { withdrawalId: number; clientId: number; amount: Minor; currency: string; description: string }): Promise<HostCredit> {
    try {
      await this.d
        .db(T.payoutCredits)
        .insert({ withdrawal_id: c.withdrawalId, client_id: c.clientId, currency: c.currency, amount_minor: c.amount, host_credit_id: null, created_at: this.d.clock.now(), credited_at: null });
    } catch (e) {
      // Claimed before (a retry or another node): the host's key makes asking again safe.
      if (!isUniqueViolation(e)) throw e;
    }
    const credit = await this.d.host.addCredit(c.clientId, c.amount, c.currency, c.description, CreditPayouts.keyOf(c.withdrawalId));
    await this.d.db(T.payoutCredits).where({ withdrawal_id: c.withdrawalId }).whereNull('host_credit_id').update({ host_credit_id: credit.id, credited_at: this.d.clock.now() });
    return credit;
  }
}
