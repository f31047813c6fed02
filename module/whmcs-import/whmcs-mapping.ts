import { DateTime } from 'luxon';
import { type CurrencyCode, currency as currencyCode, exponentOf } from '../money/currencies';
import { type Minor, minor, sub } from '../money/amount';
import type { WhmcsAccount, WhmcsAffiliate, WhmcsClient, WhmcsPending, WhmcsWithdrawal } from './whmcs-tables';

/** A program the import may place affiliates in: the one given for their currency. */
export interface ProgramChoice {
  id: number;
  slug: string;
  currency: CurrencyCode;
  timezone: string;
  /** The terms version new referrals and commissions come in under. */
  version: number;
}

/**
 * A WHMCS amount (DECIMAL(16,2), as text) in minor units of the currency, exactly: "1234.50" USD
 * is 123450. Refused with a RangeError when the currency cannot hold it ("10.50" in JPY).
 */
export function whmcsMinor(decimal: string, cur: CurrencyCode): Minor {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!m) throw new RangeError(`"${decimal}" is not an amount`);
  const exp = exponentOf(cur);
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > exp) throw new RangeError(`${decimal} has more decimals than ${cur}'s ${exp}`);
  return minor(BigInt(`${m[1] ?? ''}${m[2] ?? '0'}${fraction.padEnd(exp, '0')}`));
}

/** 00:00 of a WHMCS date in the program's zone: the instant a commission that clears that day is the agent's. */
export function startOfDay(date: string, zone: string): number {
  return DateTime.fromISO(date, { zone }).startOf('day').toMillis();
}

export interface AffiliateFacts {
  client: WhmcsClient | undefined;
  accounts: WhmcsAccount[];
  pending: WhmcsPending[];
  withdrawals: WhmcsWithdrawal[];
  /** The sum of the affiliate's tblaffiliateshistory, when it has any. */
  history: string | undefined;
}

export interface PlannedPending {
  id: number;
  accountId: number;
  /** The referred client the commission came from, when its service still exists. */
  clientId: number | null;
  amount: Minor;
  clearsOn: string | null;
  availableAt: number;
  invoiceId: number;
}

export interface PlannedWithdrawal {
  id: number;
  amount: Minor;
  on: string | null;
}

/** A row that cannot come across, with its amount when it could be read. */
export interface LeftOut {
  kind: 'pending' | 'withdrawal';
  id: number;
  amount: Minor | null;
  reason: string;
}

/** What one affiliate becomes: an agent in `program`, their referrals, pending commissions and opening balances. */
export interface AffiliatePlan {
  affiliate: WhmcsAffiliate;
  clientName: string;
  currency: CurrencyCode;
  /** Null when no program given pays in the affiliate's currency: see `skip`. */
  program: ProgramChoice | null;
  accounts: WhmcsAccount[];
  pending: PlannedPending[];
  balance: Minor;
  withdrawals: PlannedWithdrawal[];
  /** tblaffiliates.withdrawn less the listed withdrawals: money withdrawn in WHMCS with no row (an admin's edit). */
  withdrawnRest: Minor;
  /** tblaffiliates.withdrawn, the total the affiliate was shown. */
  withdrawn: Minor;
  /** Why the affiliate cannot come across at all; null when they can, as far as WHMCS's rows tell. */
  skip: string | null;
  left: LeftOut[];
  /** What the operator should know though nothing is left out, one line each. */
  notes: string[];
}

/** A plan, or why the affiliate's money cannot even be counted (no client, no currency, an unreadable amount). */
export type PlanOutcome = { plan: AffiliatePlan } | { unplaced: string };

/**
 * What one WHMCS affiliate becomes, from its rows alone: the host and the module's own state are
 * the service's to check. Money is in the affiliate's client's currency, as WHMCS keeps it.
 */
export function planAffiliate(a: WhmcsAffiliate, facts: AffiliateFacts, programs: ReadonlyMap<string, ProgramChoice>, now: number): PlanOutcome {
  const { client } = facts;
  if (!client) return { unplaced: `client ${a.clientId} is not in WHMCS's tblclients (deleted?)` };
  if (!client.currency) return { unplaced: `client ${a.clientId} has no currency and WHMCS has no default one` };
  let cur: CurrencyCode;
  let balance: Minor;
  let withdrawn: Minor;
  try {
    cur = currencyCode(client.currency);
    balance = whmcsMinor(a.balance, cur);
    withdrawn = whmcsMinor(a.withdrawn, cur);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return { unplaced: e.message };
  }
  const program = programs.get(cur) ?? null;
  const given = [...programs.values()].map((p) => `${p.slug} ${p.currency}`).join(', ');
  const plan: AffiliatePlan = {
    affiliate: a,
    clientName: client.name,
    currency: cur,
    program,
    accounts: facts.accounts,
    pending: [],
    balance,
    withdrawals: [],
    withdrawnRest: withdrawn,
    withdrawn,
    skip: program ? null : `no --program pays in ${cur} (given: ${given})`,
    left: [],
    notes: [],
  };
  const zone = program?.timezone ?? 'UTC';
  const clientOfAccount = new Map(facts.accounts.map((acc) => [acc.id, acc.clientId]));
  for (const p of facts.pending) {
    const amount = readable(p.amount, cur);
    if (amount === null || amount <= 0) {
      plan.left.push({ kind: 'pending', id: p.id, amount, reason: amount === null ? `amount ${p.amount} is not one in ${cur}` : 'a pending commission of zero or less cannot be held' });
      continue;
    }
    // WHMCS clears a pending commission whose date is missing at its next cron: so does the module.
    const availableAt = p.clearingDate ? startOfDay(p.clearingDate, zone) : now;
    plan.pending.push({ id: p.id, accountId: p.accountId, clientId: clientOfAccount.get(p.accountId) ?? null, amount, clearsOn: p.clearingDate, availableAt, invoiceId: p.invoiceId });
  }
  for (const w of facts.withdrawals) {
    const amount = readable(w.amount, cur);
    if (amount === null || amount <= 0) {
      plan.left.push({ kind: 'withdrawal', id: w.id, amount, reason: amount === null ? `amount ${w.amount} is not one in ${cur}` : 'a withdrawal of zero or less' });
      continue;
    }
    plan.withdrawals.push({ id: w.id, amount, on: w.date });
    plan.withdrawnRest = sub(plan.withdrawnRest, amount);
  }
  if (plan.withdrawnRest !== 0)
    plan.notes.push(`tblaffiliates.withdrawn is ${a.withdrawn}, ${plan.withdrawnRest > 0 ? 'more' : 'less'} than its withdrawals: the difference comes across as one opening entry`);
  const history = facts.history === undefined ? null : readable(facts.history, cur);
  if (history !== null && history !== balance + withdrawn) {
    plan.notes.push(
      `its history of cleared commissions adds up to ${facts.history ?? ''}, balance + withdrawn to ${a.balance} + ${a.withdrawn}: the balance and withdrawn figures are what come across`,
    );
  }
  if (a.paytype) plan.notes.push(`had its own WHMCS commission (${a.paytype} ${a.payamount}): the program's rules apply from now on`);
  return { plan };
}

function readable(decimal: string, cur: CurrencyCode): Minor | null {
  try {
    return whmcsMinor(decimal, cur);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    return null;
  }
}
