import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger } from '../ledger/ledger';
import { backToHouse } from '../ledger/accounts';
import type { ProgramService } from '../programs/program-service';
import { minor, share, type Minor } from '../money/amount';
import { asRows } from '../db/columns';
import { commissionFromRow, remainingOf, type Commission } from './commission-row';
import { writeCommission } from './commission-writer';
import { noOutbox, type Outbox } from '../core/outbox';
import { endPending } from './end-pending';
import { targetBonus } from './engine';

export const TARGET_BONUS_ROLE = 'target_bonus';
const BONUS_RULE = 'target-bonus';
const SALES_ROLES = ['sales', 'sales+technical'];

/** A month of one agent: its first instant and the next month's, and its name in explanations. */
export interface BonusMonth {
  key: string;
  start: number;
  end: number;
}

/**
 * The month's target bonus as lines of their own (Cloud One): at month close, one bonus commission
 * beside each of the agent's sales commissions of the month that still stands, at the bonus rate
 * of the tier that sale was made at, under the terms it was made under. A line keeps the sale's
 * invoice, date and hold, so a refund of the invoice takes its share back from both, and the
 * month's total is what one stacked commission would have been. Runs in the caller's transaction.
 */
export class TargetBonusService {
  constructor(
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly programs: Pick<ProgramService, 'at'>,
    private readonly outbox: Outbox = noOutbox,
  ) {}

  /** Writes the bonus of every sale of the month that has none standing; returns what was added. */
  async grant(trx: Knex.Transaction, agentId: number, month: BonusMonth, why: string): Promise<Minor> {
    let total = 0;
    const bonuses = await this.bonusesOf(trx, agentId, month);
    for (const sale of await this.salesOf(trx, agentId, month)) {
      const mine = bonuses.filter((b) => b.invoiceLineId === sale.invoiceLineId);
      if (mine.some((b) => b.status === 'pending' || b.status === 'available')) continue;
      const program = await this.programs.at(sale.programId, sale.termsVersion, trx);
      if (!program) throw new Error(`program ${sale.programId} of commission ${sale.id} is missing`);
      const bonus = targetBonus(program.def, sale.tier, sale.base, sale.parts);
      if (!bonus) continue;
      // A sale refunded in part before the close earns its bonus on what stands of it.
      const amount = minor(bonus.amount - (sale.adjusted > 0 ? share(bonus.amount, sale.adjusted, sale.amount) : 0));
      if (amount <= 0) continue;
      await writeCommission(
        trx,
        this.ledger,
        {
          agent_id: agentId,
          program_id: sale.programId,
          client_id: sale.clientId,
          invoice_id: sale.invoiceId,
          invoice_line_id: sale.invoiceLineId,
          // A bonus taken back by an admin's override and given again is a new line: the key stays unique.
          rule: mine.length ? `${BONUS_RULE}:${mine.length}` : BONUS_RULE,
          role: TARGET_BONUS_ROLE,
          sales_rule: null,
          tier: sale.tier,
          terms_version: sale.termsVersion,
          base_minor: sale.base,
          parts: JSON.stringify([bonus.part]),
          amount_minor: amount,
          adjusted_minor: 0,
          currency: sale.currency,
          status: 'pending',
          reason: why.slice(0, 255),
          created_at: sale.createdAt,
          available_at: sale.availableAt,
        },
        `target bonus ${month.key}: invoice ${sale.invoiceId} line ${sale.invoiceLineId}`,
        this.outbox,
      );
      total += amount;
    }
    return minor(total);
  }

  /** Takes back every standing bonus line of the month (an admin decided the targets were not met); returns what was taken. */
  async withdraw(trx: Knex.Transaction, agentId: number, month: BonusMonth, why: string): Promise<Minor> {
    let total = 0;
    const memo = `target bonus ${month.key} withdrawn: ${why}`;
    for (const b of await this.bonusesOf(trx, agentId, month)) {
      if (b.status === 'pending') {
        total += await endPending(trx, this.ledger, b, { status: 'voided', idemKey: `target-undo:${b.id}`, memo, reason: why });
        continue;
      }
      if (b.status !== 'available') continue;
      const take = remainingOf(b);
      await trx(T.commissions)
        .where({ id: b.id })
        .update({ status: 'reversed', adjusted_minor: b.amount, reason: why.slice(0, 255) });
      if (take <= 0) continue;
      await this.ledger.post(trx, {
        idemKey: `target-undo:${b.id}`,
        kind: 'reverse',
        currency: b.currency,
        memo,
        commissionId: b.id,
        postings: backToHouse(agentId, 'available', take),
      });
      total += take;
    }
    return minor(total);
  }

  /** The month's sales commissions that still stand, each once, under their rows' locks. */
  private async salesOf(trx: Knex.Transaction, agentId: number, month: BonusMonth): Promise<Commission[]> {
    const rows: unknown = await trx(T.commissions)
      .where({ agent_id: agentId })
      .whereIn('role', SALES_ROLES)
      .whereIn('status', ['pending', 'available'])
      .where('created_at', '>=', month.start)
      .where('created_at', '<', month.end)
      .orderBy('id')
      .forUpdate();
    return asRows(rows).map(commissionFromRow);
  }

  private async bonusesOf(trx: Knex.Transaction, agentId: number, month: BonusMonth): Promise<Commission[]> {
    const rows: unknown = await trx(T.commissions)
      .where({ agent_id: agentId, role: TARGET_BONUS_ROLE })
      .where('created_at', '>=', month.start)
      .where('created_at', '<', month.end)
      .orderBy('id')
      .forUpdate();
    return asRows(rows).map(commissionFromRow);
  }
}
