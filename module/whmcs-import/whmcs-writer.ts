import type { Knex } from 'knex';
import type { Clock } from '../core/clock';
import type { Ledger } from '../ledger/ledger';
import { HOUSE } from '../ledger/accounts';
import { type Minor, neg } from '../money/amount';
import type { AssignmentService } from '../attribution/assignment-service';
import { writeCommission } from '../commissions';
import { inTransaction } from '../db/transaction';
import type { ImportKind, ImportLog, Imported } from './import-log';
import type { Figure, Item } from './import-report';
import type { AffiliatePlan, ProgramChoice } from './whmcs-mapping';

/** The agent an affiliate becomes; `id` is null in a dry run for an agent that would be made. */
export interface AgentRef {
  id: number | null;
  tier: string | null;
}

export interface WriteContext {
  source: string;
  dryRun: boolean;
  done: Imported;
  /** The referred clients the billing platform has. */
  hostHas: ReadonlySet<number>;
  /** Clients this run has given a referral so far, and to which affiliate. */
  referredNow: ReadonlyMap<number, number>;
}

/**
 * Brings one affiliate's rows across, in one transaction: the agent's import record, referrals,
 * pending commissions (held until their clearing day, then released by the daily cron like any
 * other), and opening-balance entries for the available balance and what was withdrawn. Each
 * row's import record is written beside what it made. A dry run decides exactly the same, and
 * writes nothing.
 */
export class AffiliateWriter {
  constructor(
    private readonly db: Knex,
    private readonly ledger: Pick<Ledger, 'post'>,
    private readonly assignments: Pick<AssignmentService, 'assign' | 'forClient'>,
    private readonly log: Pick<ImportLog, 'record'>,
    private readonly clock: Clock,
  ) {}

  write(plan: AffiliatePlan, program: ProgramChoice, agent: AgentRef, ctx: WriteContext): Promise<Item[]> {
    if (ctx.dryRun || agent.id === null) return this.items(null, plan, program, agent, ctx);
    return inTransaction(this.db, (trx) => this.items(trx, plan, program, agent, ctx));
  }

  /** Every row of an affiliate that cannot come across, each skipped for `reason` (or already there). */
  static skipped(plan: AffiliatePlan, done: Imported, reason: string): Item[] {
    const a = plan.affiliate.id;
    const one = (kind: ImportKind, id: number, figure: Figure, amount?: Minor): Item => ({ kind, id, status: done[kind].has(id) ? 'already' : 'skipped', figure, amount, reason });
    return [
      one('affiliate', a, 'agents'),
      ...plan.accounts.map((acc) => one('account', acc.id, 'referrals')),
      ...plan.pending.map((p) => one('pending', p.id, 'pending', p.amount)),
      one('balance', a, 'available', plan.balance),
      ...plan.withdrawals.map((w) => one('withdrawal', w.id, 'withdrawn', w.amount)),
      one('withdrawn', a, 'withdrawn', plan.withdrawnRest),
    ];
  }

  private async items(trx: Knex.Transaction | null, plan: AffiliatePlan, program: ProgramChoice, agent: AgentRef, ctx: WriteContext): Promise<Item[]> {
    const a = plan.affiliate.id;
    const { done } = ctx;
    const now = this.clock.now();
    const items: Item[] = [];
    /** Records the row (in a real run) and says it came across. */
    const brought = async (kind: ImportKind, id: number, target: number | null, figure: Figure, amount?: Minor, clientId?: number) => {
      if (trx) await this.log.record(trx, ctx.source, kind, id, target, now);
      items.push({ kind, id, status: 'imported', figure, amount, clientId });
    };
    const skip = (kind: ImportKind, id: number, figure: Figure, reason: string, amount?: Minor) => items.push({ kind, id, status: 'skipped', figure, amount, reason });
    const already = (kind: ImportKind, id: number, figure: Figure, amount?: Minor) => items.push({ kind, id, status: 'already', figure, amount });
    /** Posts an opening-balance entry: the house's expense against the agent's account. */
    const opening = async (key: string, memo: string, account: 'available' | 'withdrawn', amount: Minor): Promise<number | null> => {
      if (!trx || agent.id === null || amount === 0) return null;
      return this.ledger.post(trx, {
        idemKey: `whmcs:${ctx.source}:${key}`,
        kind: 'opening_balance',
        currency: plan.currency,
        memo: `opening balance: ${memo}`,
        postings: [
          { agentId: HOUSE, account: 'commission_expense', amount: neg(amount) },
          { agentId: agent.id, account, amount },
        ],
      });
    };

    if (done.affiliate.has(a)) already('affiliate', a, 'agents');
    else await brought('affiliate', a, agent.id, 'agents');

    /** The referral each client was given by this affiliate's earlier accounts (several services of one client make one referral). */
    const mine = new Map<number, number | null>();
    for (const acc of plan.accounts) {
      if (done.account.has(acc.id)) {
        already('account', acc.id, 'referrals');
        continue;
      }
      const clientId = acc.clientId;
      if (clientId === null) skip('account', acc.id, 'referrals', `service ${acc.serviceId} is no longer in tblhosting`);
      else if (clientId === plan.affiliate.clientId) skip('account', acc.id, 'referrals', `service ${acc.serviceId} is the affiliate's own`);
      else if (!ctx.hostHas.has(clientId)) skip('account', acc.id, 'referrals', `client ${clientId} is not in the billing platform`);
      else {
        const owner = mine.has(clientId) ? { referralId: mine.get(clientId) ?? null } : await this.ownerOf(trx, clientId, a, agent, ctx);
        if (typeof owner === 'string') skip('account', acc.id, 'referrals', `client ${clientId} is already ${owner}`);
        else {
          let referralId = owner?.referralId ?? null;
          if (!owner && trx && agent.id !== null) {
            const reason = `WHMCS affiliate ${a}'s referred service ${acc.serviceId} (tblaffiliatesaccounts ${acc.id})`;
            referralId = (await this.assignments.assign(clientId, agent.id, `import ${ctx.source}`, reason, 'whmcs', trx)).id;
          }
          mine.set(clientId, referralId);
          await brought('account', acc.id, referralId, 'referrals', undefined, clientId);
        }
      }
    }

    for (const p of plan.pending) {
      if (done.pending.has(p.id)) {
        already('pending', p.id, 'pending', p.amount);
        continue;
      }
      let id: number | null = null;
      if (trx && agent.id !== null) {
        id = await writeCommission(
          trx,
          this.ledger,
          {
            agent_id: agent.id,
            program_id: program.id,
            client_id: p.clientId ?? 0,
            invoice_id: 0,
            invoice_line_id: 0,
            // Unique with the agent and line 0, as a manual commission's key is: the database refuses a second copy.
            rule: `whmcs:${ctx.source}:${p.id}`,
            role: 'imported',
            tier: agent.tier,
            terms_version: program.version,
            base_minor: 0,
            parts: JSON.stringify([{ kind: 'fixed', rule: 'whmcs', fixedMinor: p.amount }]),
            amount_minor: p.amount,
            adjusted_minor: 0,
            currency: plan.currency,
            status: 'pending',
            reason: `WHMCS pending commission ${p.id}${p.invoiceId ? ` (invoice ${p.invoiceId})` : ''}, clearing ${p.clearsOn ?? 'at once'}`,
            created_at: now,
            available_at: p.availableAt,
          },
          `opening balance: WHMCS pending commission ${p.id}`,
        );
      }
      await brought('pending', p.id, id, 'pending', p.amount);
    }

    if (done.balance.has(a)) already('balance', a, 'available', plan.balance);
    else await brought('balance', a, await opening(`balance:${a}`, `WHMCS affiliate ${a}'s available balance`, 'available', plan.balance), 'available', plan.balance);

    for (const w of plan.withdrawals) {
      if (done.withdrawal.has(w.id)) already('withdrawal', w.id, 'withdrawn', w.amount);
      else await brought('withdrawal', w.id, await opening(`withdrawal:${w.id}`, `WHMCS withdrawal ${w.id} of ${w.on ?? 'an unknown date'}`, 'withdrawn', w.amount), 'withdrawn', w.amount);
    }
    if (done.withdrawn.has(a)) already('withdrawn', a, 'withdrawn', plan.withdrawnRest);
    else
      await brought('withdrawn', a, await opening(`withdrawn:${a}`, `withdrawn in WHMCS without a withdrawal row (affiliate ${a})`, 'withdrawn', plan.withdrawnRest), 'withdrawn', plan.withdrawnRest);
    return items;
  }

  /**
   * Whose the client already is: another agent's or another affiliate's (a text saying whose),
   * this agent's (the referral there is), or no one's (null: the referral may be made).
   */
  private async ownerOf(trx: Knex.Transaction | null, clientId: number, affiliateId: number, agent: AgentRef, ctx: WriteContext): Promise<string | { referralId: number | null } | null> {
    const byRun = ctx.referredNow.get(clientId);
    if (byRun !== undefined && byRun !== affiliateId) return `WHMCS affiliate ${byRun}'s`;
    const referral = await this.assignments.forClient(clientId, trx ?? undefined);
    if (!referral || referral.endedAt !== null) return null;
    return referral.agentId === agent.id ? { referralId: referral.id } : `agent ${referral.agentId}'s`;
  }
}
