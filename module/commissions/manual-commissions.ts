import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Clock } from '../core/clock';
import { RuleError, isUniqueViolation } from '../core/errors';
import type { AgentService } from '../agents/agent-service';
import type { ProgramService } from '../programs/program-service';
import type { Ledger } from '../ledger/ledger';
import { parseAmount, type Minor } from '../money/amount';
import { AmountError } from '../money/parse';
import type { Commission } from './commission-row';
import type { CommissionQueries } from './commission-queries';
import { writeCommission } from './commission-writer';
import { noOutbox, type Outbox } from '../core/outbox';
import { availableFrom } from './hold';
import { num, rowOrNull } from '../db/columns';
import { inTransaction } from '../db/transaction';

/**
 * An admin's commission for work the rules do not see (custom development, add-ons), pending for
 * the program's hold like any other. The form's key makes sending it twice add it once.
 */
export class ManualCommissions {
  constructor(
    private readonly db: Knex,
    private readonly agents: Pick<AgentService, 'get'>,
    private readonly programs: Pick<ProgramService, 'get'>,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly queries: Pick<CommissionQueries, 'get'>,
    private readonly clock: Clock,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  /** `locale`: how the admin writes amounts ("1 000,50" in ru); the API and the CLI send the plain form, read in every locale. */
  async addManual(agentId: number, amountText: string, reason: string, key: string, clientId = 0, locale = 'en'): Promise<Commission> {
    const agent = await this.agents.get(agentId);
    if (!agent) throw new RuleError('errors.agent_missing', 'agent_id', { agent: agentId });
    if (!reason.trim()) throw new RuleError('errors.reason_required', 'reason');
    const program = await this.programs.get(agent.programId);
    if (!program) throw new Error(`program ${agent.programId} of agent ${agentId} is missing`);
    let amount: Minor;
    try {
      amount = parseAmount(amountText, program.currency, locale);
    } catch (e) {
      // parseAmount refuses what the admin typed with an AmountError; anything else is a fault.
      if (!(e instanceof AmountError)) throw e;
      throw new RuleError(e.key, 'amount', e.vars, { cause: e });
    }
    if (amount <= 0) throw new RuleError('commissions.error.more_than_zero', 'amount');
    const now = this.clock.now();
    const rule = `manual:${key}`.slice(0, 64);
    const id = await inTransaction(this.db, (trx) =>
      writeCommission(
        trx,
        this.ledger,
        {
          agent_id: agentId,
          program_id: program.id,
          client_id: clientId,
          invoice_id: 0,
          invoice_line_id: 0,
          rule,
          role: 'manual',
          tier: agent.tier,
          terms_version: program.version,
          base_minor: 0,
          parts: JSON.stringify([{ kind: 'fixed', rule: 'manual', fixedMinor: amount }]),
          amount_minor: amount,
          adjusted_minor: 0,
          currency: program.currency,
          status: 'pending',
          reason: reason.slice(0, 255),
          created_at: now,
          available_at: availableFrom(now, program),
        },
        `manual: ${reason}`,
        this.outbox,
      ),
    ).catch(async (e: unknown) => {
      // The same form sent twice: the key is taken, and the first answer stands.
      if (!isUniqueViolation(e)) throw e;
      const first = rowOrNull(await this.db(T.commissions).where({ agent_id: agentId, invoice_line_id: 0, rule }).first('id'));
      if (!first) throw new Error(`manual commission ${rule} of agent ${agentId} was refused as a duplicate, but there is no first one`, { cause: e });
      return num(first.id);
    });
    const commission = await this.queries.get(id);
    if (!commission) throw new Error(`manual commission ${id} was not stored`);
    return commission;
  }
}
