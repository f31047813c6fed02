import type { Knex } from 'knex';
import { T } from '../db/tables';
import type { Ledger } from '../ledger/ledger';
import { backToHouse } from '../ledger/accounts';
import type { ProgramService } from '../programs/program-service';
import { minor, type Minor } from '../money/amount';
import { asRows, stringOrNull } from '../db/columns';
import { commissionFromRow, remainingOf } from './commission-row';
import { endPending } from './end-pending';

/**
 * A failed probation forfeits the agent's recurring commissions not yet paid to them: those of a
 * sales rule that earns on every invoice (recurrence lifetime or months), still on hold or
 * released and not withdrawn. One-off sales, work performed and manual entries stay. Released
 * money already requested or withdrawn stays paid: from the released commissions no more than the
 * available balance is taken, oldest first. Each commission is an entry of its own with the
 * reason in its memo. Runs in the caller's transaction, which holds the agent's row.
 */
export class RecurringForfeitureService {
  constructor(
    private readonly ledger: Pick<Ledger, 'post' | 'balanceIn'>,
    private readonly programs: Pick<ProgramService, 'at'>,
  ) {}

  async forfeitUnpaidRecurring(trx: Knex.Transaction, agentId: number, reason: string): Promise<Record<string, Minor>> {
    const memo = `forfeited: ${reason}`.slice(0, 255);
    const forfeited: Record<string, Minor> = {};
    const add = (cur: string, n: number) => (forfeited[cur] = minor((forfeited[cur] ?? 0) + n));
    const rows = asRows(await trx(T.commissions).where({ agent_id: agentId }).whereIn('status', ['pending', 'available']).whereNotNull('sales_rule').orderBy('id').forUpdate());
    const available = new Map<string, number>();
    for (const row of rows) {
      const c = commissionFromRow(row);
      if (!(await this.recurs(trx, c.programId, c.termsVersion, stringOrNull(row.sales_rule)))) continue;
      if (c.status === 'pending') {
        const taken = await endPending(trx, this.ledger, c, { status: 'forfeited', idemKey: `probation-forfeit:${c.id}`, memo, reason });
        if (taken > 0) add(c.currency, taken);
        continue;
      }
      let left = available.get(c.currency);
      if (left === undefined) left = Math.max(0, await this.ledger.balanceIn(trx, agentId, 'available', c.currency, true));
      const take = minor(Math.min(left, remainingOf(c)));
      if (take <= 0) continue;
      available.set(c.currency, left - take);
      const adjusted = c.adjusted + take;
      await trx(T.commissions)
        .where({ id: c.id })
        .update({ adjusted_minor: adjusted, ...(adjusted === c.amount ? { status: 'forfeited', reason: reason.slice(0, 255) } : {}) });
      await this.ledger.post(trx, {
        idemKey: `probation-forfeit:${c.id}`,
        kind: 'forfeit',
        currency: c.currency,
        memo,
        commissionId: c.id,
        postings: backToHouse(agentId, 'available', take),
      });
      add(c.currency, take);
    }
    return forfeited;
  }

  /** Whether the sales rule, in the terms the commission was made under, earns on every invoice. */
  private async recurs(trx: Knex.Transaction, programId: number, version: number, ruleId: string | null): Promise<boolean> {
    if (!ruleId) return false;
    const program = await this.programs.at(programId, version, trx);
    const rule = program?.def.rules.find((r) => r.id === ruleId);
    return rule?.recurrence === 'lifetime' || rule?.recurrence === 'months';
  }
}
